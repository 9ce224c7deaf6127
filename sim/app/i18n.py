"""English and Simplified Chinese for every label, legend, card, message and log line of the app.

Metric labels, units and definitions in English come from the registry (``sim.metrics``); the
Chinese ones are here, keyed by metric name: a test fails when a metric the app shows has none (a metric
only a future page would show falls back to its English label rather than breaking the page).
Scenario and preset names: the table below, else a name made from the file name.
"""

from __future__ import annotations

from sim.metrics import REGISTRY

LANGUAGES = {"en": "English", "zh": "简体中文"}

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"en": "Lilong renewal: community planners", "zh": "里弄微更新：社区规划师"},
    "explorer": {"en": "Explorer", "zh": "探索"},
    "workshop": {"en": "Workshop", "zh": "工作坊"},
    "street": {"en": "Street", "zh": "街道"},
    "street_placement": {"en": "Where the planners are", "zh": "规划师派驻"},
    "street_budget_rule": {"en": "How the office shares its budget", "zh": "街道预算分配方式"},
    "street_colour_by": {"en": "Colour by", "zh": "着色指标"},
    "street_season": {"en": "Run a season (13 weeks)", "zh": "运行一季（13周）"},
    "street_to_end": {"en": "Run to the end", "zh": "运行到结束"},
    "street_ended": {"en": "The street's horizon ({weeks} weeks) is reached.",
                     "zh": "已到街道的模拟期限（{weeks}周）。"},
    "street_neighbourhood": {"en": "Neighbourhood", "zh": "社区"},
    "street_households": {"en": "Households", "zh": "户数"},
    "street_planner": {"en": "Planner", "zh": "规划师"},
    "street_budget_year": {"en": "Budget this year (yuan)", "zh": "本年预算（元）"},
    "street_no_planner": {"en": "no planner", "zh": "无规划师"},
    "street_equal": {"en": "equal shares by households", "zh": "按户数平均分配"},
    "street_need": {"en": "by unmet need", "zh": "按未满足需求"},
    "street_complaints": {"en": "by complaints heard", "zh": "按投诉多少"},
    "street_proposals": {"en": "by the proposals waiting", "zh": "按待批提案"},
    "street_map_note": {"en": "One tile per neighbourhood; ★ a planner in post. Week {week}.",
                 "zh": "每格为一个社区；★ 为在岗规划师。第{week}周。"},
    "presenter": {"en": "Presenter view", "zh": "演示视图"},
    "leave_presenter": {"en": "Leave presenter view", "zh": "退出演示视图"},
    "step": {"en": "Step", "zh": "前进一周"},
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "reset": {"en": "Reset", "zh": "重置"},
    "speed": {"en": "Weeks per second", "zh": "每秒周数"},
    "per_second": {"en": "{n}/s", "zh": "{n}周/秒"},
    "week_n": {"en": "Week {week}", "zh": "第{week}周"},
    "rung": {"en": "Participation", "zh": "参与程度"},
    "satisfaction": {"en": "Satisfaction", "zh": "满意度"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "left_scenario": {"en": "Left", "zh": "左侧情景"},
    "right_scenario": {"en": "Right", "zh": "右侧情景"},
    "preset": {"en": "Neighbourhood", "zh": "街区"},
    "seed": {"en": "Seed (whole number)", "zh": "随机种子（整数）"},
    "planner_on": {"en": "Community planner in post", "zh": "配备社区规划师"},
    "planner_hours": {"en": "Planner hours per week", "zh": "规划师每周工时"},
    "outreach_strategy": {"en": "Whom the planner visits first", "zh": "规划师优先走访"},
    "budget": {"en": "Street-office budget (yuan/year)", "zh": "街道年度预算（元/年）"},
    "restart_note": {"en": "A changed setting starts the run again at week 0.",
                     "zh": "修改设置后，模拟从第0周重新开始。"},
    "need_whole": {"en": "Enter a whole number from {lo} to {hi}.", "zh": "请输入{lo}到{hi}之间的整数。"},
    "need_number": {"en": "Enter a number from {lo} to {hi}.", "zh": "请输入{lo}到{hi}之间的数字。"},
    "horizon": {"en": "Stop at week", "zh": "停止于第几周"},
    "at_horizon_scenario": {"en": "The run has reached its end: week {week}, the scenario's horizon ({years} years). "
                                  "Reset to start again, or set a later week to stop at.",
                            "zh": "模拟已到终点：第{week}周，即情景设定的期限（{years}年）。"
                                  "可重置后重新开始，或设定更晚的停止周。"},
    "at_horizon_set": {"en": "The run has reached its end: week {week}, where it was set to stop. Reset to start "
                             "again, or set a later week to stop at.",
                       "zh": "模拟已到终点：第{week}周，即设定的停止周。可重置后重新开始，或设定更晚的停止周。"},
    "run_stopped": {"en": "The run stopped because of an error: {error}", "zh": "模拟因错误而停止：{error}"},
    # the map
    "map": {"en": "The lilong", "zh": "里弄地图"},
    "colour_by": {"en": "Colour houses by", "zh": "住宅着色依据"},
    "legend_houses_rung": {"en": "Houses: deepest part residents took in the last {weeks} weeks",
                           "zh": "住宅：居民近{weeks}周内最深的参与程度"},
    "legend_houses_satisfaction": {"en": "Houses: residents' overall satisfaction",
                                   "zh": "住宅：居民总体满意度"},
    "legend_sites": {"en": "Shared spaces (outlined): project stage; paler green = more worn",
                     "zh": "共享空间（带边框）：项目阶段；绿色越浅，磨损越重"},
    "legend_ways": {"en": "Alleys", "zh": "弄堂"},
    "main_alley": {"en": "main alley", "zh": "主弄"},
    "branch_alley": {"en": "branch alley", "zh": "支弄"},
    "alley_n": {"en": "Alley {n}", "zh": "{n}号弄"},
    "main_alley_n": {"en": "Main alley {n}", "zh": "{n}号弄主弄"},
    "branch_alley_n": {"en": "Branch alley off alley {n}", "zh": "{n}号弄支弄"},
    "planner_marker": {"en": "the planner", "zh": "规划师"},
    "house_tip": {"en": "House {house} on alley {alley}: {n} households; deepest recent part: {rungs}; "
                        "satisfaction {satisfaction}",
                  "zh": "{alley}号弄{house}号住宅：{n}户；近期最深参与：{rungs}；满意度{satisfaction}"},
    "house_title": {"en": "House {house} on alley {alley}", "zh": "{alley}号弄{house}号住宅"},
    "site_tip": {"en": "{kind} on alley {alley}: {status}{improvement}; condition {condition}",
                 "zh": "{alley}号弄{kind}：{status}{improvement}；状况{condition}"},
    "protected": {"en": "heritage-protected: may not change", "zh": "风貌保护：不得改动"},
    "click_hint": {"en": "Hover for details; click a house or space to inspect it.",
                   "zh": "悬停查看详情；点击住宅或空间查看状态。"},
    "selected": {"en": "Selected", "zh": "已选"},
    "households": {"en": "households", "zh": "户数"},
    "deepest_part": {"en": "deepest recent part", "zh": "近期最深参与"},
    "retired_n": {"en": "retired households", "zh": "退休户"},
    "renters_n": {"en": "renting households", "zh": "租户"},
    "kind": {"en": "kind", "zh": "类型"},
    "status": {"en": "stage", "zh": "阶段"},
    "improvement": {"en": "improvement", "zh": "改造内容"},
    "area_m2": {"en": "area (m²)", "zh": "面积（平方米）"},
    "fit": {"en": "fit to residents' needs", "zh": "与居民需求的契合度"},
    "condition": {"en": "condition", "zh": "状况"},
    "rules": {"en": "maintenance rules", "zh": "维护公约"},
    "heritage": {"en": "heritage-protected", "zh": "风貌保护"},
    "cost_yuan": {"en": "cost (yuan)", "zh": "造价（元）"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    # cards and scales
    "minus": {"en": "{right} minus {left}", "zh": "{right}减{left}"},
    "points": {"en": "{value} points", "zh": "{value}个百分点"},
    "scale_note": {"en": "0 = lowest, 1 = highest", "zh": "0为最低，1为最高"},
    "scale_very_low": {"en": "very low", "zh": "很低"},
    "scale_low": {"en": "low", "zh": "较低"},
    "scale_middling": {"en": "middling", "zh": "中等"},
    "scale_high": {"en": "high", "zh": "较高"},
    "scale_very_high": {"en": "very high", "zh": "很高"},
    "spaces_n": {"en": "{value} spaces", "zh": "{value}处"},
    "yuan_n": {"en": "{value} yuan", "zh": "{value}元"},
    "chart_engagement": {"en": "Engagement by depth (share of households)", "zh": "按深度的参与（住户比例）"},
    "chart_satisfaction": {"en": "Overall satisfaction: mean and least satisfied tenth",
                           "zh": "总体满意度：均值与最不满意的10%"},
    "chart_trust": {"en": "Trust", "zh": "信任"},
    "by_group": {"en": "Overall satisfaction by group", "zh": "分群体总体满意度"},
    "no_data_yet": {"en": "no data yet", "zh": "暂无数据"},
    "week_axis": {"en": "week", "zh": "周"},
    # event log
    "event_log": {"en": "What happened", "zh": "事件记录"},
    "no_events": {"en": "Nothing yet: step the model.", "zh": "暂无事件：请推进模型。"},
    "proposed_voiced": {"en": "week {week}: residents of alley {alley} asked for {improvement_a} in the {site_kind}; "
                                "the street office took it up",
                        "zh": "第{week}周：{alley}号弄居民提出在{site_kind}建设{improvement}，街道予以采纳"},
    "proposed_office_priority": {"en": "week {week}: the street office chose {improvement_a} for the {site_kind} on "
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
    "worn_out_": {"en": "week {week}: the {improvement} on alley {alley} wore out and needs renewal again",
                  "zh": "第{week}周：{alley}号弄的{improvement}磨损失效，需要再次更新"},
    "repaired_": {"en": "week {week}: heritage volunteers found wear on the {improvement} (alley {alley}); it was "
                        "repaired early ({cost} yuan)",
                  "zh": "第{week}周：风貌志愿者发现{alley}号弄{improvement}的损耗，提前修缮（{cost}元）"},
    "event_at_site": {"en": "week {week}: {what} ({site_kind}, alley {alley})",
                      "zh": "第{week}周：{what}（{alley}号弄{site_kind}）"},
    "event_plain": {"en": "week {week}: {what}", "zh": "第{week}周：{what}"},
    "event_times": {"en": "{line} (in {n} places)", "zh": "{line}（共{n}处）"},
    # saving, report, instant answers
    "save_scenario": {"en": "Save both sides as scenarios", "zh": "将两侧设置保存为情景"},
    "export_report": {"en": "Export report", "zh": "导出报告"},
    "saved_to": {"en": "Saved to {path}", "zh": "已保存至 {path}"},
    "not_saved": {"en": "Could not save {path}: {error}", "zh": "未能保存 {path}：{error}"},
    "not_reproduced": {"en": "the saved file did not reproduce this session",
                       "zh": "保存的文件未能重现本次模拟"},
    "run_saved": {"en": "Re-run: {command}", "zh": "重新运行：{command}"},
    "download": {"en": "Download {name}", "zh": "下载 {name}"},
    "report_title": {"en": "Comparison report", "zh": "情景对比报告"},
    "parameters": {"en": "Settings", "zh": "设置"},
    "no_planner": {"en": "no planner", "zh": "无规划师"},
    "generated": {"en": "Generated {time} by sim {version}", "zh": "{time}由sim {version}生成"},
    "precomputed": {"en": "Precomputed answers (no waiting)", "zh": "预先计算的结果（无需等待）"},
    "compare_source": {"en": "The average of {seeds} runs (one per seed) from {folder}, on {preset}: {window}, "
                             "with its 95% confidence interval",
                       "zh": "{folder}中{seeds}次模拟（每个随机种子一次）的平均值，{preset}：{window}，附95%置信区间"},
    "cards_one_run": {"en": "One run (seed {seed}), week {week}: each side's value, and {minus}",
                      "zh": "单次模拟（随机种子{seed}），第{week}周：两侧的数值，及{minus}"},
    "one_run_differs": {"en": "This one run and the average of {seeds} runs point different ways on {metrics}: "
                              "one run can differ from the average of many.",
                        "zh": "本次单次模拟与{seeds}次模拟的平均值在{metrics}上方向相反："
                              "单次模拟可能与多次模拟的平均不同。"},
    "final_year": {"en": "mean over the final year (running totals: at the end)",
                   "zh": "最后一年均值（累计量取期末值）"},
    "no_comparison": {"en": "No comparison on this neighbourhood with at least {seeds} seeds and both scenarios: "
                            "run `sim compare --preset {preset}`.",
                      "zh": "没有该街区、包含两个情景且至少{seeds}个随机种子的对比结果：请运行 "
                            "`sim compare --preset {preset}`。"},
    "sweep_source": {"en": "From sweep {store}", "zh": "来自参数扫描 {store}"},
}

# Names of things in the model. Improvements are bare nouns; ``improvement_a`` adds the article.
NAMES: dict[str, dict[str, str]] = {
    "shared_kitchen": {"en": "shared kitchen", "zh": "共享厨房"},
    "sanitation": {"en": "sanitation", "zh": "卫生设施"},
    "living_room": {"en": "community living room", "zh": "社区客厅"},
    "reading_room": {"en": "reading room", "zh": "阅览室"},
    "plaza": {"en": "plaza", "zh": "中心广场"},
    "drying_space": {"en": "drying space", "zh": "晾晒空间"},
    "greenery": {"en": "greenery", "zh": "绿化"},
    "elder_care": {"en": "elder-care facilities", "zh": "适老设施"},
    "childrens_play": {"en": "children's play area", "zh": "儿童游戏区"},
    "activity_room": {"en": "activity room", "zh": "活动室"},
    "attic": {"en": "attic", "zh": "阁楼"},
    "open_plot": {"en": "open plot", "zh": "空地"},
    "corner": {"en": "corner", "zh": "角落"},
    "alley_segment": {"en": "main-alley segment", "zh": "主弄段"},
    "house_kitchen": {"en": "house's shared kitchen", "zh": "住宅合用厨房"},
    "house_bathroom": {"en": "house's shared washroom", "zh": "住宅合用卫生间"},
    "idle": {"en": "no project", "zh": "暂无项目"},
    "proposed": {"en": "proposed", "zh": "已提议"},
    "designed": {"en": "designed", "zh": "已设计"},
    "approved": {"en": "approved", "zh": "已批准"},
    "under_construction": {"en": "under construction", "zh": "施工中"},
    "in_use": {"en": "in use", "zh": "使用中"},
    "unaware": {"en": "unaware", "zh": "不知情"},
    "informed": {"en": "informed", "zh": "知情"},
    "consulted": {"en": "consulted", "zh": "被征询"},
    "involved": {"en": "involved", "zh": "参与"},
    "collaborating": {"en": "collaborating", "zh": "协作"},
    "leading": {"en": "leading", "zh": "引领"},
    "young": {"en": "young", "zh": "青年"},
    "working": {"en": "working age", "zh": "中年"},
    "retired": {"en": "retired", "zh": "退休"},
    "long_term": {"en": "long-term residents", "zh": "长期住户"},
    "renter": {"en": "renters", "zh": "租户"},
    "top_down": {"en": "Top-down", "zh": "自上而下"},
    "consultation": {"en": "Consultation", "zh": "征询意见"},
    "planner": {"en": "Community planner", "zh": "社区规划师"},
    "planner_platform": {"en": "Planner + platform", "zh": "规划师+议事平台"},
    "platform": {"en": "Platform, no planner", "zh": "议事平台（无规划师）"},
    "guizhou_west": {"en": "Guizhou West lilong", "zh": "贵州西里弄"},
    "hengfu_heritage": {"en": "Hengshan-Fuxing heritage area", "zh": "衡复风貌区"},
    "nearest": {"en": "the nearest", "zh": "就近走访"},
    "most_in_need": {"en": "the most in need", "zh": "最需要者优先"},
    "least_heard": {"en": "the least heard", "zh": "最少发声者优先"},
    # event kinds (for the generic log line of kinds without a sentence of their own)
    "built": {"en": "a space opened", "zh": "空间建成启用"},
    "rules": {"en": "users agreed maintenance rules", "zh": "使用者订立维护公约"},
    "worn_out": {"en": "a space wore out and needs renewal again", "zh": "空间磨损，需要再次更新"},
    "repaired": {"en": "heritage volunteers had a space repaired early", "zh": "风貌志愿者促成空间提前修缮"},
    "moved": {"en": "a household moved out and newcomers moved in", "zh": "一户迁出，新住户迁入"},
}
MASS_NOUNS = {"sanitation", "drying_space", "greenery", "elder_care"}  # no "a" before them

DESCRIPTIONS_ZH: dict[str, str] = {
    "top_down": "无规划师。街道根据自身优先事项和投诉选定项目；居委会张贴通知。",
    "consultation": "无规划师。居委会每半年做一次需求调查，每次评审前召开居民会议。",
    "planner": "一名社区规划师，每周工时为默认值。",
    "planner_platform": "规划师加街道的议事平台（邻里汇）、志愿者团队、建成空间的自治公约和风貌志愿者。",
    "platform": "无规划师。街道设常设议事平台（邻里汇）并有居民代表；居委会组织志愿者团队、"
                "建成空间的自治公约和风貌志愿者。",
    "guizhou_west": "贵州西里弄（默认街区）：四条1920年代里弄，700余户，老龄化严重，六成合用厨房，四成无独立卫生间。",
    "hengfu_heritage": "衡山路—复兴路历史风貌区：保护建筑限制可改动的场地并增加造价；设有规划师工作站；"
                       "临街商铺周边租户和中青年较多。",
}

# Chinese for every metric in the registry (English: the registry's label, unit and definition).
METRIC_ZH: dict[str, str] = {
    "informed_share": "知情户比例",
    "consulted_share": "被征询及以上户比例",
    "involved_share": "参与及以上户比例",
    "collaborating_share": "协作及以上户比例",
    "ladder_unaware": "参与阶梯：不知情（比例）",
    "ladder_informed": "参与阶梯：知情（比例）",
    "ladder_consulted": "参与阶梯：被征询（比例）",
    "ladder_involved": "参与阶梯：参与（比例）",
    "ladder_collaborating": "参与阶梯：协作（比例）",
    "ladder_leading": "参与阶梯：引领（比例）",
    "acts_per_household_year": "每户每年参与次数",
    "deep_acts_per_household_year": "每户每年深度参与次数",
    "activity_share": "参加居民自发活动的比例",
    "satisfaction_overall": "总体满意度",
    "satisfaction_overall_p10": "总体满意度（最低的10%分位）",
    "satisfaction_living": "居住满意度",
    "satisfaction_process": "过程满意度",
    "expectation": "期望",
    "delivered": "实际获益",
    "belonging": "归属感",
    "trust_government": "对政府的信任",
    "trust_planner": "对规划师的信任",
    "external_efficacy": "外部效能感",
    "voice_representation__young": "发声代表性：青年",
    "voice_representation__working": "发声代表性：中年",
    "voice_representation__retired": "发声代表性：退休",
    "voice_representation__long_term": "发声代表性：长期住户",
    "voice_representation__renter": "发声代表性：租户",
    "core_share": "骨干户比例",
    "volunteers": "志愿者",
    "leaders": "带头人",
    "core_work_share": "骨干承担的工作比例",
    "spaces_in_use": "在用共享空间",
    "spaces_in_pipeline": "在建与筹备中的项目",
    "spaces_completed_per_year": "每年建成空间数",
    "spaces_worn_out_per_year": "每年磨损失效空间数",
    "mean_fit_in_use": "在用空间与需求的契合度",
    "mean_condition": "在用空间的状况",
    "upkeep_coverage": "维护投入/所需",
    "rules_share": "订有维护公约的空间比例",
    "spending_yuan_per_year": "年度投入",
    "budget_spent_yuan": "累计投入",
    "households_moved_in_per_year": "每年迁入户数",
}

DEFINITION_ZH: dict[str, str] = {
    "informed_share": "近期通过通知、走访或任何参与而知晓更新工作的住户比例。",
    "consulted_share": "参与窗口期内最深参与为“被征询”（填写问卷、投诉、在会上或向规划师发言）或更深的住户比例。",
    "involved_share": "核心参与指标：参与窗口期内达到“参与”或更深程度（工作坊、提案、设计投票、议事平台、"
                      "组织维护、带头）的住户比例。",
    "satisfaction_overall": "平均总体满意度：居住满意度与过程满意度，过程部分按对政府的信任加权。",
    "satisfaction_overall_p10": "各户总体满意度的第10百分位（最不满意的一成住户）。",
    "trust_government": "对街道的平均信任。",
    "trust_planner": "对社区规划师的平均信任；无规划师时为空。",
    "spaces_in_use": "本周在用的更新后共享空间数量。",
    "mean_condition": "在用空间的平均状况（1为全新，0为无法使用）；无在用空间时为空。",
    "budget_spent_yuan": "自第0周起的更新工程资本投入累计。",
    "spending_yuan_per_year": "本周批准的更新工程资本投入，乘以52。",
}

UNIT_ZH: dict[str, str] = {
    "0-1 scale": "0–1分值",
    "acts/household/year": "次/户/年",
    "households": "户",
    "households/year": "户/年",
    "projects": "个项目",
    "ratio": "比值",
    "share of hours": "工时比例",
    "share of households": "住户比例",
    "share of spaces": "空间比例",
    "spaces": "处",
    "spaces/year": "处/年",
    "yuan": "元",
    "yuan/year": "元/年",
    # units of parameters (parameter_label)
    "condition/week": "状况/周",
    "grid cells": "格",
    "hours": "小时",
    "hours/week": "小时/周",
    "households/week": "户/周",
    "per week": "每周",
    "weeks": "周",
}


# Parameters the app can show (what shipped sweeps, robustness and calibration files vary, and the
# app's own settings). English: the parameter's meaning in sim/params.py; a test checks this table.
PARAMETER_ZH: dict[str, str] = {
    "behaviour.base_logit": "参与选择的基准倾向",
    "behaviour.depth_cost": "每深一级参与的额外成本",
    "behaviour.disconfirmation_weight": "实际获益与期望之差对居住满意度的权重",
    "behaviour.efficacy_loss": "意见被忽视时外部效能感的下降",
    "behaviour.procedural_weight": "过程满意度在总体满意度中的权重（随信任缩放）",
    "behaviour.voice_expectation": "发声后期望获得的比例（占最大未满足需求）",
    "behaviour.volunteer_commitment_cost": "答应做志愿者的额外成本（每周固定投入）",
    "behaviour.volunteer_quit_per_week": "志愿者（非带头人）每周退出的概率",
    "behaviour.weight_efficacy": "外部效能感（相信官方会回应）的作用",
    "behaviour.weight_invitation": "当面邀请（动员）的作用",
    "behaviour.weight_social": "熟人参与超过自身门槛时的作用",
    "behaviour.weight_time": "活动时段空闲时间的作用",
    "neighbourhood.catchment_radius_cells": "住户使用街区场地的步行半径",
    "observation.engagement_window_weeks": "参与窗口期（周）",
    "planner.design_skill": "规划师的设计水平",
    "planner.facilitation_skill": "规划师组织与引导的能力",
    "planner.hours_per_visit": "一次入户走访的用时",
    "planner.hours_per_week": "规划师每周在街区的工时",
    "planner.outreach_strategy": "规划师优先走访",
    "planner.rules_per_week": "规划师每周帮助使用者订立维护公约的机会",
    "platform.team_asks_per_week": "志愿者团队每周邀请加入的住户数",
    "population.interest_retired": "退休户对社区事务的平均兴趣",
    "population.interest_working": "中年户对社区事务的平均兴趣",
    "population.interest_young": "青年户对社区事务的平均兴趣",
    "population.threshold_sd": "住户社会门槛的离散程度",
    "projects.decay_per_week": "无人维护时在用空间每周的损耗",
    "projects.volunteer_hours_per_week": "每名志愿者或带头人投入的维护工时",
    "street_office.budget_yuan_per_year": "街道微更新年度资本预算",
    "street_office.own_priority_weight": "街道自身优先事项相对居民诉求的权重",
}


def parameter_label(key: str, lang: str = "en") -> str:
    """A parameter (``section.key``) in plain words: its meaning and unit, never the key itself."""
    import dataclasses

    from sim.params import SECTIONS

    section, _, field_name = key.partition(".")
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[section])} if section in SECTIONS else {}
    meta = fields[field_name].metadata if field_name in fields else {}
    unit = meta.get("unit", "")
    # concrete units only (those with a translation); logits, weights and shares read without one
    shown_unit = "" if unit not in UNIT_ZH else UNIT_ZH[unit] if lang == "zh" else unit
    if lang == "zh" and key in PARAMETER_ZH:
        text = PARAMETER_ZH[key]
    else:
        text = meta.get("doc") or field_name.replace("_", " ").capitalize()
    if shown_unit and shown_unit not in text:
        text += f"（{shown_unit}）" if lang == "zh" else f" ({shown_unit})"
    return text


def t(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    entry = TEXT.get(key) or NAMES[key]
    return entry[lang].format(**values)


def name(key: str | None, lang: str = "en") -> str:
    """A domain name (improvement, site kind, status, rung, group, scenario, preset...) in ``lang``.

    A name the table lacks (a new scenario file, a new event kind) is made from the key itself.
    """
    if key is None:
        return "–"
    if key in NAMES:
        return NAMES[key][lang]
    return key.replace("_", " ").capitalize()


def improvement_a(key: str | None, lang: str = "en") -> str:
    """An improvement with its article in English ("a shared kitchen", "greenery")."""
    bare = name(key, lang)
    if lang != "en" or key is None or key in MASS_NOUNS:
        return bare
    return ("an " if bare[0] in "aeiou" else "a ") + bare


def describe(key: str, file_description: str, lang: str = "en") -> str:
    """A scenario's or preset's description: the file's own, or its translation."""
    return DESCRIPTIONS_ZH.get(key, file_description) if lang == "zh" else file_description


def metric_label(column: str, lang: str = "en") -> str:
    """A metric's label (``NAME__group`` columns add the group's name)."""
    base, _, group = column.partition("__")
    if column in REGISTRY or not group:
        return METRIC_ZH.get(column, REGISTRY[column].label) if lang == "zh" else REGISTRY[column].label
    text = METRIC_ZH.get(base, REGISTRY[base].label) if lang == "zh" else REGISTRY[base].label
    return f"{text}: {name(group, lang)}" if lang == "en" else f"{text}：{name(group, lang)}"


def metric_unit(column: str, lang: str = "en") -> str:
    unit = REGISTRY[column.partition("__")[0] if column not in REGISTRY else column].unit
    return UNIT_ZH.get(unit, unit) if lang == "zh" else unit


def metric_definition(column: str, lang: str = "en") -> str:
    metric = REGISTRY[column if column in REGISTRY else column.partition("__")[0]]
    return DEFINITION_ZH.get(metric.name, metric.definition) if lang == "zh" else metric.definition
