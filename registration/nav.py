"""Navigation entries and home panels of registration (see digibank.navigation)."""

NAV_ITEMS: list = []
HOME_PANELS: list = []
