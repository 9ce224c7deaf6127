"""The street page: a street of many neighbourhoods as a map of them, run a season at a time (issue 17)."""

from __future__ import annotations

import ipyvuetify as v
import numpy as np
import solara

from sim.app.components import language
from sim.app.street_page import StreetPage, StreetSettings, start, street_map_svg, street_rows
from sim.street import build, load_street


def test_the_map_has_a_tile_per_neighbourhood_coloured_by_its_value_and_marks_the_planner():
    street = load_street("old_town_street")
    settings = StreetSettings(placement=street.placements[1].name)
    run = start(settings)
    run.run(26)
    svg = street_map_svg(run, "involved_share")
    assert svg.count('class="street-tile"') == len(street.neighbourhoods) == 16
    marked = [a.neighbourhood for a in street.placements[1].planners]
    for name in marked:
        assert f'data-name="{name}"' in svg
    assert svg.count("★") == len(marked) + 1  # each planner's tile, and the caption's key
    # the tiles show the model's own numbers for each neighbourhood
    values = [run.model.metrics_of(k)["involved_share"] for k in range(run.model.k)]
    assert f'data-value="{values[0]:.3g}"' in svg
    assert len({f"{x:.3g}" for x in values}) > 1


def test_the_page_is_the_street_job_s_run_for_the_same_seed():
    """What the page shows for a placement and rule is the street job's model on that seed (the same numbers)."""
    street = load_street("old_town_street")
    placement = street.placements[1]
    page_run = start(StreetSettings(placement=placement.name, rule="complaints", seed=3))
    job_run = build(street, 3, planners=placement.planners, rule="complaints")
    page_run.run(13)
    job_run.run(13)
    assert np.array_equal(page_run.model.weekly_table(), job_run.model.weekly_table(), equal_nan=True)
    rows = street_rows(page_run)
    assert len(rows) == 16 and sum(1 for r in rows if r["Planner"]) == len(placement.planners)


def test_the_page_runs_a_season_and_resets_in_both_languages():
    language.set("zh")
    box, rc = solara.render(StreetPage(), handle_error=False)
    try:
        rc.find(v.Html, children=["第0周"]).wait_for(timeout=10)
        rc.find(v.Btn, class_="season-button").widget.click()
        rc.find(v.Html, children=["第13周"]).wait_for(timeout=20)
        rc.find(v.Btn, class_="reset-button").widget.click()
        rc.find(v.Html, children=["第0周"]).wait_for(timeout=20)
    finally:
        rc.close()
        language.set("en")
