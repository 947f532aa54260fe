"""Legacy import, exports, consent texts, retention and privacy pages (namespace registration:)."""

urlpatterns: list = []
