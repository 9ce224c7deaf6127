"""A clickable SVG map of the lilong as an ipyvue template (renders offline, no extra JavaScript)."""

from __future__ import annotations

import ipyvue
import traitlets


class LilongMap(ipyvue.VueTemplate):
    """Rectangles with native hover tooltips; a click sets ``selected`` to the cell's id."""

    template = traitlets.Unicode("""
<template>
  <svg :width="width" :height="height" :viewBox="'0 0 ' + width + ' ' + height" class="lilong-map"
       style="max-width: 100%; height: auto; background: #f4f1ea">
    <rect v-for="(c, i) in cells" :key="i" :x="c.x" :y="c.y" :width="c.w" :height="c.h" :fill="c.fill"
          :fill-opacity="c.opacity" :stroke="c.id && c.id === selected ? '#000' : 'none'" stroke-width="2"
          :data-cell="c.id" :style="c.id ? 'cursor: pointer' : ''" @click="c.id && pick(c.id)">
      <title>{{ c.tip }}</title>
    </rect>
    <circle v-if="planner" :cx="planner.cx" :cy="planner.cy" :r="planner.r" fill="#e7298a" stroke="#fff"
            stroke-width="2" class="planner-marker"><title>{{ planner_label }}</title></circle>
  </svg>
</template>
""").tag(sync=True)
    cells = traitlets.List().tag(sync=True)
    planner = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    planner_label = traitlets.Unicode("planner").tag(sync=True)
    width = traitlets.Int(400).tag(sync=True)
    height = traitlets.Int(400).tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)

    def vue_pick(self, cell_id: str) -> None:
        self.selected = cell_id
