// map: the street on a Leaflet map, for the report page, the public case
// map and the dashboard. Leaflet (from npm, copied into web/vendor by make)
// is loaded only by pages that draw a map. Boundaries come from the areas
// API: the street and its communities at once, grids and compounds (red
// lines) once the map is zoomed in far enough to tell them apart, so the
// report page stays light. Without a tile service (the default, and any
// deployment offline) the boundaries alone are the map; a deployment with
// one names it in `tongxin serve --tiles` and /api/v1/about passes it on.
import { api, pick } from './core.js';

let leaflet;
/** Loads Leaflet once (a classic script: its UMD build is the small one) and answers window.L. */
export function loadLeaflet() {
  if (!leaflet) {
    leaflet = new Promise((resolve, reject) => {
      const css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = 'vendor/leaflet/leaflet.css';
      document.head.append(css);
      const s = document.createElement('script');
      s.src = 'vendor/leaflet/leaflet.js';
      s.onload = () => resolve(window.L);
      s.onerror = () => { leaflet = null; reject(new Error('Leaflet')); };
      document.head.append(s);
    });
  }
  return leaflet;
}

const STYLE = {
  street: { color: '#b71c1c', weight: 3, fill: false },
  community: { color: '#c62828', weight: 2, fillOpacity: 0.03 },
  grid: { color: '#6d4c41', weight: 1, dashArray: '4 3', fill: false },
  compound: { color: '#1565c0', weight: 1.5, fillOpacity: 0.12 },
};

let about;
const areaCache = new Map();
/** The boundaries of one kind of area, fetched once per page load. */
export function areas(kind) {
  if (!areaCache.has(kind)) {
    const p = api('/api/v1/areas', { query: { kind } });
    p.catch(() => areaCache.delete(kind));
    areaCache.set(kind, p);
  }
  return areaCache.get(kind);
}

/**
 * Draws the street into container (an element with a height) and answers
 * {L, map, layers}. opts.onAreaClick(feature) for clicks on a community;
 * opts.onClick(latlng) for a click anywhere, boundaries included (they
 * take clicks for their tooltips, so the map's own click would miss them);
 * opts.detail (default true) adds grids from zoom 15 and compounds from 16.
 * Views set while Leaflet animates a zoom are dropped by Leaflet: pass
 * {animate: false} to setView / fitBounds when one may follow another.
 */
export async function streetMap(container, opts = {}) {
  const L = await loadLeaflet();
  about ??= api('/api/v1/about').catch(() => ({}));
  const map = L.map(container, { zoomSnap: 0.5, attributionControl: true });
  const info = await about;
  if (info.map && info.map.tiles) {
    L.tileLayer(info.map.tiles, { maxZoom: 19, attribution: info.map.attribution || '' }).addTo(map);
  }
  const layers = {};
  const draw = (kind, fc) => {
    layers[kind] = L.geoJSON(fc, {
      style: () => STYLE[kind],
      interactive: kind === 'community' || kind === 'compound',
      onEachFeature: (f, layer) => {
        if (kind !== 'grid') layer.bindTooltip(pick(f.properties), { sticky: true });
        if (opts.onAreaClick && kind === 'community') layer.on('click', () => opts.onAreaClick(f));
        if (opts.onClick) layer.on('click', (ev) => opts.onClick(ev.latlng));
      },
    }).addTo(map);
    layers[kind].bringToBack();
  };
  if (opts.onClick) map.on('click', (ev) => opts.onClick(ev.latlng));
  const [street, communities] = await Promise.all([areas('street'), areas('community')]);
  draw('community', communities);
  draw('street', street);
  map.fitBounds(layers.street.getBounds(), { padding: [8, 8] });
  if (opts.detail !== false) {
    const more = async () => {
      const z = map.getZoom();
      for (const [kind, from] of [['grid', 15], ['compound', 16]]) {
        if (z >= from && !layers[kind]) {
          layers[kind] = 'loading';
          try {
            draw(kind, await areas(kind));
          } catch {
            layers[kind] = null;
          }
        }
      }
    };
    map.on('zoomend', more);
  }
  return { L, map, layers };
}
