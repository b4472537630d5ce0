"""The few inline SVG icons the page chrome uses (drawn here, no icon font or CDN)."""

_SVG = ('<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false" '
        'fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">{}</svg>')

MENU = _SVG.format('<path d="M2 4h12M2 8h12M2 12h12"/>')
CLOSE = _SVG.format('<path d="M3.5 3.5l9 9M12.5 3.5l-9 9"/>')
SEARCH = _SVG.format('<circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5L14 14"/>')
SUN = _SVG.format('<circle cx="8" cy="8" r="3"/><path d="M8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1'
                  'M3 13l1-1M12 4l1-1"/>')
MOON = _SVG.format('<path d="M13.5 10A6 6 0 0 1 6 2.5a6 6 0 1 0 7.5 7.5z"/>')
SIDEBAR = _SVG.format('<rect x="1.5" y="2.5" width="13" height="11" rx="1.5"/><path d="M6 2.5v11"/>')
