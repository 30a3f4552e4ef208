"""Barriers only the computed style shows, judged in the rendered page after axe-core (browser mode).

axe-core does not judge them; the static rules (checks/a11y/beyond.py) see only a page's own <style>
and inline styles. The probe returns its results as axe-shaped rules (`id`, `tags`, `help`, `nodes`
with a `target` selector and the element's `html`) with `source: "auditcli"`, so that the page store,
checks/a11y/axe.py and the reports carry them as they carry axe's:

- `focus-visible` (WCAG 2.4.7): each visible focusable element of the top document is focused from
  the keyboard (one Tab press first, so that `:focus-visible` styles apply as for a keyboard user) and
  its computed outline, box-shadow, border, background, colour, text decoration, size and position,
  and those of its parent and ::before/::after, are compared with and without focus (transitions and
  animations are switched off for the probe, so a 0.3 s fade is not taken for "no change"). Nothing
  changed: no focus indicator at all, an error. A change that draws nothing new (a 2px border traded
  for a 1px border and a 1px outline) is a pixel question the probe does not ask;
- `css-generated-text` (WCAG 1.3.1, F87, review): ::before/::after `content` with words in it
  (two letters or Han characters; icons, arrows, clearfix dots and counters are not words): screen
  readers may skip it and it is lost when styles are off;
- `text-too-small` (WCAG 1.4.4/1.4.8, review): visible text rendered below 10 CSS px (portals' 12px
  footers are not reported).
"""

from __future__ import annotations

from typing import Any

MIN_FONT_PX = 10
MAX_FOCUSABLE = 300  # focusable elements probed a page (a portal's home page has 200–400 links)

STYLE_PROBE = r"""async ([maxNodes, minFont, maxFocusable]) => {
  const sel = (el) => {
    if (el.id && /^[A-Za-z][\w-]*$/.test(el.id) && document.querySelectorAll('#' + el.id).length === 1) return '#' + el.id;
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
      let i = 1;
      for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) i++;
      parts.unshift(e.tagName.toLowerCase() + ':nth-of-type(' + i + ')');
      if (e.id && /^[A-Za-z][\w-]*$/.test(e.id) && document.querySelectorAll('#' + e.id).length === 1) {
        parts[0] = '#' + e.id; break;
      }
    }
    return parts.join(' > ');
  };
  const html = (el) => el.outerHTML.replace(/\s+/g, ' ').slice(0, 240);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0.05
      && r.right > 0 && r.bottom > 0 && r.left < document.documentElement.scrollWidth + 1;
  };
  // what is drawn: an outline or a border side of style none (or width 0) draws nothing, whatever its colour
  const PLAIN = ['box-shadow', 'background-color', 'background-image', 'color', 'text-decoration-line',
    'text-decoration-color', 'text-decoration-thickness', 'filter', 'opacity', 'transform', 'font-weight',
    'clip', 'clip-path', 'text-shadow', 'visibility'];
  const drawn = (s) => {
    const out = [];
    const ow = parseFloat(s.outlineWidth) || 0;
    out.push(s.outlineStyle === 'none' || ow === 0 ? 'none'
      : [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset].join(' '));
    for (const side of ['Top', 'Right', 'Bottom', 'Left']) {
      const st = s['border' + side + 'Style'], w = parseFloat(s['border' + side + 'Width']) || 0;
      out.push(st === 'none' || st === 'hidden' || w === 0 ? 'none' : [st, w, s['border' + side + 'Color']].join(' '));
    }
    return out.concat(PLAIN.map(p => s.getPropertyValue(p)));
  };
  const look = (el) => {
    const out = [];
    for (const e of [el, el.parentElement]) {
      if (!e) continue;
      for (const pseudo of [null, '::before', '::after']) {
        const s = getComputedStyle(e, pseudo);
        if (pseudo && s.content === 'none') continue;
        out.push(pseudo || '', ...drawn(s), pseudo ? s.content : '');
      }
      const r = e.getBoundingClientRect();
      out.push(r.left, r.top, r.width, r.height);
    }
    return out.join('|');
  };
  const rules = [];
  const rule = (id, tags, help, nodes, review) => {
    if (nodes.length) rules.push({id, tags, help, review, source: 'auditcli', impact: review ? 'minor' : 'serious',
      helpUrl: null, nodes: nodes.slice(0, maxNodes), total: nodes.length});
  };

  // focus indicators, from the computed style with and without focus
  const calm = document.createElement('style');
  calm.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important }';
  document.head.appendChild(calm);
  const focusables = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex^="-"])')]
    .filter(el => !el.disabled && el.tabIndex >= 0 && !el.closest('[inert]') && visible(el)).slice(0, maxFocusable);
  const unfocused = [];
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  for (const el of focusables) {
    const before = look(el);
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;  // focus went elsewhere (a handler moved it)
    const after = look(el);
    el.blur();
    if (before === after) unfocused.push({target: [sel(el)], html: html(el), impact: 'serious',
      failureSummary: 'The element looks the same with and without keyboard focus'});
  }
  calm.remove();
  rule('focus-visible', ['wcag2aa', 'wcag247'], 'Keyboard focus must be visible: the element looks the same with and without focus',
       unfocused, false);

  // text inserted by CSS, and very small text
  const generated = [], small = [];
  const WORDS = /[\p{L}\p{N}]{2,}/u;
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'svg'].includes(el.tagName)) continue;
    for (const pseudo of ['::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      const c = s.content;
      if (!c || c === 'none' || c === 'normal' || !c.startsWith('"')) continue;
      const text = c.slice(1, -1).replace(/[\ue000-\uf8ff]/g, '');
      if (WORDS.test(text) && s.display !== 'none' && s.visibility !== 'hidden' && visible(el))
        generated.push({target: [sel(el)], html: html(el), impact: 'minor', data: {content: text.slice(0, 80), pseudo},
          failureSummary: 'CSS ' + pseudo + ' inserts the text "' + text.slice(0, 80) + '"'});
    }
    const own = [...el.childNodes].some(n => n.nodeType === 3 && /[\p{L}\p{N}]/u.test(n.textContent));
    if (own) {
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < minFont && visible(el))
        small.push({target: [sel(el)], html: html(el), impact: 'minor', data: {font_size: size},
          failureSummary: 'The text is ' + size + 'px'});
    }
  }
  rule('css-generated-text', ['wcag2a', 'wcag131'], 'Text inserted by CSS (::before/::after content) is not reliably read by screen readers',
       generated, true);
  rule('text-too-small', ['wcag2aa', 'wcag144'], 'Text is rendered smaller than ' + minFont + 'px', small, true);
  return rules;
}"""


async def probe_styles(page, max_nodes: int) -> list[dict[str, Any]]:
    """The probe's rules for the page in `page` (empty when the page has no body or the probe fails)."""
    try:
        await page.keyboard.press("Tab")  # keyboard modality: :focus-visible styles apply to what we focus
    except Exception:  # noqa: BLE001 - a page that closed or navigated: no probe, axe's results stand
        return []
    try:
        return await page.evaluate(STYLE_PROBE, [max_nodes, MIN_FONT_PX, MAX_FOCUSABLE])
    except Exception:  # noqa: BLE001
        return []
