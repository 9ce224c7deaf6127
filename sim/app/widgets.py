"""A clickable SVG map of the lilong as an ipyvue template (renders offline, no extra JavaScript).

The ground (alleys with their numbers) is sent once per model; each week only households,
houses' tooltips, spaces and the planner change. Both go as JSON text: as Python lists of
dicts, every render would walk their thousand entries looking for child elements (two thirds
of a workshop step's server time). The SVG scales to its box (``viewBox``).
"""

from __future__ import annotations

import ipyvue
import traitlets


class LilongMap(ipyvue.VueTemplate):
    """Households as stripes in their houses, spaces outlined; hover tooltips; a click sets ``selected``."""

    template = traitlets.Unicode("""
<template>
  <svg :viewBox="'0 ' + (-extra) + ' ' + ground.width + ' ' + (ground.height + extra)" class="lilong-map"
       :data-week="week" :data-measured="box_w > 0 ? 'yes' : 'no'" preserveAspectRatio="xMidYMin meet"
       role="img" :aria-label="label">
    <rect x="0" :y="-extra" :width="ground.width" :height="ground.height + extra" fill="#fbfaf7"/>
    <rect v-for="(c, i) in ground.alleys" :key="'a' + i" :x="c.x" :y="c.y" :width="c.w" :height="c.h"
          :fill="c.fill"><title>{{ c.tip }}</title></rect>
    <text v-for="(l, i) in ground.labels" :key="'l' + i" :x="l.x" :y="l.y" :font-size="label_size" font-weight="bold"
          text-anchor="middle" fill="#333" class="alley-label">{{ l.text }}</text>
    <rect v-for="(c, i) in cells.stripes" :key="'p' + i" :x="c.x" :y="c.y" :width="c.w" :height="c.h"
          :fill="c.fill"/>
    <rect v-for="c in cells.houses" :key="c.id" :x="c.x" :y="c.y" :width="c.w" :height="c.h" fill="transparent"
          :stroke="c.id === selected ? '#000' : '#b0b0b0'" :stroke-width="c.id === selected ? 3 : 0.8"
          :data-cell="c.id" style="cursor: pointer" @click="pick(c.id)"><title>{{ c.tip }}</title></rect>
    <rect v-for="c in cells.sites" :key="c.id" :x="c.x" :y="c.y" :width="c.w" :height="c.h" rx="4"
          :fill="c.fill" :fill-opacity="c.opacity" stroke="#222" :stroke-width="c.id === selected ? 2 * c.sw : c.sw"
          :stroke-dasharray="c.dash" :data-cell="c.id" style="cursor: pointer" @click="pick(c.id)">
      <title>{{ c.tip }}</title></rect>
    <circle v-if="cells.planner" :cx="cells.planner.cx" :cy="cells.planner.cy" :r="cells.planner.r"
            :fill="planner_colour" stroke="#fff" stroke-width="2.5" class="planner-marker">
      <title>{{ planner_label }}</title></circle>
  </svg>
</template>
<script>
module.exports = {
  data() { return { box_w: 0, box_h: 0 }; },
  computed: {
    ground() { return JSON.parse(this.ground_json || '{"width": 1, "height": 1, "alleys": [], "labels": []}'); },
    cells() { return JSON.parse(this.cells_json || '{"stripes": [], "houses": [], "sites": [], "planner": null}'); },
    scale() {  // screen pixels per map unit
      if (!this.box_w || !this.box_h) return 1;
      return Math.min(this.box_w / this.ground.width, this.box_h / this.ground.height);
    },
    label_size() { return Math.max(12, this.label_px / this.scale); },  // alley numbers: label_px on screen
    extra() { return Math.max(0, 0.8 * this.label_size - 12); },  // room above the alleys for larger numbers
  },
  mounted() {
    this.observer = new ResizeObserver(() => {
      const r = this.$el.getBoundingClientRect();
      this.box_w = r.width;
      this.box_h = r.height;
    });
    this.observer.observe(this.$el);
  },
  destroyed() { if (this.observer) this.observer.disconnect(); },
};
</script>
""").tag(sync=True)
    ground_json = traitlets.Unicode("").tag(sync=True)
    cells_json = traitlets.Unicode("").tag(sync=True)
    week = traitlets.Int(0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    planner_label = traitlets.Unicode("planner").tag(sync=True)
    planner_colour = traitlets.Unicode("#000").tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    label_px = traitlets.Float(15).tag(sync=True)  # the alley numbers' least size on the screen, in pixels

    def vue_pick(self, cell_id: str) -> None:
        self.selected = cell_id


class AddressBar(ipyvue.VueTemplate):
    """Keeps ``query`` in the browser's address (``?left=...&week=12``) without a new history entry.

    ``history.replaceState``: a reload or the browser's Back then finds the page's state in the
    address, and the weeks of a run never fill the history Back walks through.
    """

    template = traitlets.Unicode("""
<template><span class="address-bar" style="display:none"></span></template>
<script>
module.exports = {
  watch: { query: { immediate: true, handler(q) {
    if (!window.location.pathname.endsWith(this.path)) return;  // the page has been left meanwhile
    const url = window.location.pathname + (q ? '?' + q : '') + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, '', url);
    }
  } } },
};
</script>
""").tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    path = traitlets.Unicode("/").tag(sync=True)  # the page's own path: another page's address is left alone


class SeatMemory(ipyvue.VueTemplate):
    """Keeps a room seat's token in the phone's local storage (``sim-room-seats``: room code -> token).

    On a seat's page (``token`` set) it stores the token under ``code``; on the join page (``token`` empty)
    it reads the token stored for ``code`` into ``stored``, so a browser that lost the seat's address (a
    closed tab, a new tab) can be offered its seat back. The server still checks the token; another
    browser has its own storage and is offered nothing.
    """

    template = traitlets.Unicode("""
<template><span class="seat-memory" style="display:none" :data-stored="stored ? 'yes' : 'no'"
  :data-checked="checked ? 'yes' : 'no'"></span></template>
<script>
module.exports = {
  data() { return { checked: false }; },
  methods: {
    seats() {
      try { return JSON.parse(window.localStorage.getItem('sim-room-seats') || '{}') || {}; }
      catch (e) { return {}; }
    },
    sync() {
      if (!this.code) return;
      const seats = this.seats();
      if (this.token) {
        seats[this.code] = this.token;
        try { window.localStorage.setItem('sim-room-seats', JSON.stringify(seats)); } catch (e) {}
      } else if (seats[this.code]) {
        this.found(seats[this.code]);  // to the server (vue_found), which checks it
      }
      this.checked = true;  // this browser's storage was read (tests wait for it before asserting nothing)
    },
  },
  mounted() { this.sync(); },
  watch: { code() { this.sync(); }, token() { this.sync(); } },
};
</script>
""").tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    token = traitlets.Unicode("").tag(sync=True)  # set on a seat's page: stored
    stored = traitlets.Unicode("").tag(sync=True)  # on the join page: the token stored for ``code``

    def vue_found(self, token: str) -> None:
        self.stored = str(token)
