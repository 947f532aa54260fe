"""Security headers: the strict Content-Security-Policy served on every page by django-csp.

Scripts and styles only from our own static files (no inline `<script>` or `style=`), images
also as `data:` URIs (allauth's TOTP QR code), no framing, forms only to ourselves.
Imported by the settings, so this module imports nothing from Django.
"""

SELF = "'self'"
NONE = "'none'"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
