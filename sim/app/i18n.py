"""English and Simplified Chinese for every label, legend, card and log line of the app."""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"en": "Lilong renewal: community planners", "zh": "里弄微更新：社区规划师"},
    "explorer": {"en": "Explorer", "zh": "探索"},
    "workshop": {"en": "Workshop", "zh": "工作坊"},
    "presenter": {"en": "Presenter view", "zh": "演示视图"},
    "language": {"en": "Language", "zh": "语言"},
    "step": {"en": "Step", "zh": "前进一周"},
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "reset": {"en": "Reset", "zh": "重置"},
    "speed": {"en": "Weeks per second", "zh": "每秒周数"},
    "week": {"en": "Week", "zh": "第几周"},
    "week_n": {"en": "Week {week}", "zh": "第{week}周"},
    "colour_by": {"en": "Colour households by", "zh": "住户着色依据"},
    "rung": {"en": "participation rung", "zh": "参与阶梯"},
    "satisfaction": {"en": "satisfaction", "zh": "满意度"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "left_scenario": {"en": "Left", "zh": "左侧情景"},
    "right_scenario": {"en": "Right", "zh": "右侧情景"},
    "preset": {"en": "Neighbourhood", "zh": "街区"},
    "seed": {"en": "Seed (integer)", "zh": "随机种子（整数）"},
    "planner_on": {"en": "Community planner in post", "zh": "配备社区规划师"},
    "planner_hours": {"en": "Planner hours per week", "zh": "规划师每周工时"},
    "outreach_strategy": {"en": "Whom the planner visits first", "zh": "规划师优先走访"},
    "budget": {"en": "Street-office budget (yuan/year)", "zh": "街道年度预算（元）"},
    "map": {"en": "The lilong", "zh": "里弄地图"},
    "legend": {"en": "Legend", "zh": "图例"},
    "house": {"en": "house", "zh": "住宅"},
    "main_alley": {"en": "main alley", "zh": "主弄"},
    "branch_alley": {"en": "branch alley", "zh": "支弄"},
    "planner_marker": {"en": "planner", "zh": "规划师"},
    "selected": {"en": "Selected", "zh": "已选"},
    "protected": {"en": "heritage-protected: may not change", "zh": "风貌保护：不得改动"},
    "click_hint": {"en": "Hover for details; click a house or site to inspect it.",
                   "zh": "悬停查看详情；点击住宅或场地查看状态。"},
    "households_here": {"en": "{n} households", "zh": "{n}户"},
    "engagement": {"en": "Took part (last 3 months)", "zh": "近三个月参与率"},
    "satisfaction_overall": {"en": "Overall satisfaction", "zh": "总体满意度"},
    "trust": {"en": "Trust in government", "zh": "对政府的信任"},
    "trust_planner": {"en": "Trust in the planner", "zh": "对规划师的信任"},
    "spaces_built": {"en": "Shared spaces built", "zh": "建成共享空间"},
    "condition": {"en": "Condition of spaces", "zh": "空间维护状况"},
    "yuan_spent": {"en": "Yuan spent", "zh": "已投入（元）"},
    "difference": {"en": "difference", "zh": "差值"},
    "by_group": {"en": "Satisfaction by group", "zh": "分群体满意度"},
    "event_log": {"en": "What happened", "zh": "事件记录"},
    "no_events": {"en": "Nothing yet: step the model.", "zh": "暂无事件：请推进模型。"},
    "save_scenario": {"en": "Save this setting as a scenario", "zh": "将当前设置保存为情景"},
    "export_report": {"en": "Export report", "zh": "导出报告"},
    "saved_to": {"en": "Saved to {path}", "zh": "已保存至 {path}"},
    "download": {"en": "Download", "zh": "下载"},
    "report_title": {"en": "Comparison report", "zh": "情景对比报告"},
    "parameters": {"en": "Parameters", "zh": "参数"},
    "precomputed": {"en": "Precomputed answers (final-year mean, 95% CI over seeds)",
                    "zh": "预先计算的结果（最后一年均值，多次模拟的95%置信区间）"},
    "no_precomputed": {"en": "No precomputed results found: run `sim compare`, or `sim sweep` and `sim analyse`.",
                       "zh": "未找到预先计算的结果：运行 `sim compare`，或 `sim sweep` 与 `sim analyse`。"},
    "proposed_voiced": {"en": "week {week}: residents of alley {alley} asked for {improvement} in the {site_kind}; "
                                "the street office took it up",
                        "zh": "第{week}周：{alley}号弄居民提出在{site_kind}建设{improvement}，街道予以采纳"},
    "proposed_office_priority": {"en": "week {week}: the street office chose {improvement} for the {site_kind} on "
                                       "alley {alley} from its own list",
                                 "zh": "第{week}周：街道按自身计划选择在{alley}号弄的{site_kind}建设{improvement}"},
    "designed_planner": {"en": "week {week}: the planner drafted a design for the {improvement} (alley {alley}) "
                                 "with residents",
                         "zh": "第{week}周：社区规划师与居民一起完成{alley}号弄{improvement}的设计"},
    "designed_contractor": {"en": "week {week}: a contractor drew up the design for the {improvement} "
                                    "(alley {alley})",
                            "zh": "第{week}周：施工单位完成{alley}号弄{improvement}的设计"},
    "approved_": {"en": "week {week}: the {improvement} on alley {alley} was approved and funded ({cost} yuan)",
                  "zh": "第{week}周：{alley}号弄的{improvement}获批并拨款（{cost}元）"},
    "built_": {"en": "week {week}: the {improvement} on alley {alley} opened",
               "zh": "第{week}周：{alley}号弄的{improvement}建成启用"},
    "rules_": {"en": "week {week}: users of the {improvement} on alley {alley} agreed maintenance rules",
               "zh": "第{week}周：{alley}号弄{improvement}的使用者订立了维护公约"},
}

NAMES: dict[str, dict[str, str]] = {
    # improvement types
    "shared_kitchen": {"en": "a shared kitchen", "zh": "共享厨房"},
    "sanitation": {"en": "sanitation", "zh": "卫生设施"},
    "living_room": {"en": "a community living room", "zh": "社区客厅"},
    "reading_room": {"en": "a reading room", "zh": "阅览室"},
    "plaza": {"en": "a plaza", "zh": "中心广场"},
    "drying_space": {"en": "drying space", "zh": "晾晒空间"},
    "greenery": {"en": "greenery", "zh": "绿化"},
    "elder_care": {"en": "elder-care facilities", "zh": "适老设施"},
    "childrens_play": {"en": "a children's play area", "zh": "儿童游戏区"},
    # site kinds
    "activity_room": {"en": "activity room", "zh": "活动室"},
    "attic": {"en": "attic", "zh": "阁楼"},
    "open_plot": {"en": "open plot", "zh": "空地"},
    "corner": {"en": "corner", "zh": "角落"},
    "alley_segment": {"en": "main-alley segment", "zh": "主弄段"},
    # project status
    "idle": {"en": "idle", "zh": "闲置"},
    "proposed": {"en": "proposed", "zh": "已提议"},
    "designed": {"en": "designed", "zh": "已设计"},
    "approved": {"en": "approved", "zh": "已批准"},
    "under_construction": {"en": "under construction", "zh": "施工中"},
    "in_use": {"en": "in use", "zh": "使用中"},
    # ladder
    "unaware": {"en": "unaware", "zh": "不知情"},
    "informed": {"en": "informed", "zh": "知情"},
    "consulted": {"en": "consulted", "zh": "被征询"},
    "involved": {"en": "involved", "zh": "参与"},
    "collaborating": {"en": "collaborating", "zh": "协作"},
    "leading": {"en": "leading", "zh": "引领"},
    # groups
    "young": {"en": "young", "zh": "青年"},
    "working": {"en": "working age", "zh": "中年"},
    "retired": {"en": "retired", "zh": "退休"},
    "long_term": {"en": "long-term residents", "zh": "长期住户"},
    "renter": {"en": "renters", "zh": "租户"},
    # scenarios, presets, strategies
    "top_down": {"en": "Top-down", "zh": "自上而下"},
    "consultation": {"en": "Consultation", "zh": "征询意见"},
    "planner": {"en": "Community planner", "zh": "社区规划师"},
    "planner_platform": {"en": "Planner + platform", "zh": "规划师+议事平台"},
    "guizhou_west": {"en": "Guizhou West lilong", "zh": "贵州西里弄"},
    "hengfu_heritage": {"en": "Hengshan-Fuxing heritage area", "zh": "衡复风貌区"},
    "nearest": {"en": "the nearest", "zh": "就近走访"},
    "most_in_need": {"en": "the most in need", "zh": "最需要者优先"},
    "least_heard": {"en": "the least heard", "zh": "最少发声者优先"},
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    entry = TEXT.get(key) or NAMES[key]
    return entry[lang].format(**values)


def name(key: str | None, lang: str = "en") -> str:
    """A domain name (improvement, site kind, status, rung, group, scenario...) in ``lang``."""
    if key is None:
        return "–"
    return NAMES[key][lang] if key in NAMES else key
