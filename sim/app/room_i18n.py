"""The workshop room's words, in English and 简体中文 (the rest of the app's are in ``sim.app.i18n``)."""

from __future__ import annotations

from sim.app.i18n import t as app_t

ROOM_TEXT: dict[str, dict[str, str]] = {
    # making a room
    "room_title": {"en": "Workshop room", "zh": "工作坊房间"},
    "new_room": {"en": "Make a room", "zh": "创建房间"},
    "round_weeks": {"en": "Weeks per round", "zh": "每轮周数"},
    "round_seconds": {"en": "Round timer in seconds (0: no timer)", "zh": "每轮计时（秒，0为不计时）"},
    "seats_heading": {"en": "Seats: how many people may play each", "zh": "席位：每类可参与的人数"},
    "make_room": {"en": "Make the room", "zh": "创建房间"},
    "room_code": {"en": "Room code", "zh": "房间码"},
    "join_here": {"en": "On your phone, open {url} and enter the code {code}.",
                  "zh": "请用手机打开 {url} 并输入房间码 {code}。"},
    "open_console": {"en": "Open the facilitator console", "zh": "打开主持人控制台"},
    "console_link_note": {"en": "Keep the console's address to yourself: it holds the facilitator key.",
                          "zh": "请勿公开控制台地址：其中含有主持人密钥。"},
    "qr_label": {"en": "QR code of the join page", "zh": "加入页面的二维码"},
    # seat kinds
    "retired_tenant": {"en": "Retired long-term tenant with a shared kitchen", "zh": "使用共享厨房的退休老住户"},
    "working_renter": {"en": "Working-age renter", "zh": "在职租户"},
    "young_family": {"en": "Young family", "zh": "年轻家庭"},
    "planner": {"en": "Community planner", "zh": "社区规划师"},
    "office": {"en": "Street office", "zh": "街道办事处"},
    "committee": {"en": "Residents' committee", "zh": "居民委员会"},
    # joining
    "join_title": {"en": "Join a workshop room", "zh": "加入工作坊房间"},
    "find_room": {"en": "Find the room", "zh": "查找房间"},
    "pick_seat": {"en": "Take a seat", "zh": "选择席位"},
    "seat_free": {"en": "free", "zh": "空闲"},
    "seat_held": {"en": "taken", "zh": "已有人"},
    "take_seat": {"en": "Take this seat", "zh": "选择此席位"},
    # a seat's page
    "your_seat": {"en": "You play: {seat}", "zh": "你扮演：{seat}"},
    "round_n": {"en": "Round {round} · week {week}", "zh": "第{round}轮 · 第{week}周"},
    "keep_address": {"en": "This page's address brings you back to your seat.", "zh": "用本页地址可回到你的席位。"},
    "choose": {"en": "Send my choice", "zh": "提交我的选择"},
    "chosen_wait": {"en": "Your choice is in. {n} of {m} people have chosen; waiting for the others.",
                    "zh": "已提交。{m}人中已有{n}人选择，等待其他人。"},
    "paused_note": {"en": "The facilitator has paused the round.", "zh": "主持人已暂停本轮。"},
    "time_left": {"en": "Time left: {s} s", "zh": "剩余时间：{s}秒"},
    "this_round": {"en": "What you can do this round", "zh": "本轮你可以做什么"},
    "situation": {"en": "Your situation", "zh": "你的情况"},
    "last_round": {"en": "What happened last round", "zh": "上一轮发生了什么"},
    "nothing_yet": {"en": "Nothing yet: this is the first round.", "zh": "暂无：这是第一轮。"},
    "hh_where": {"en": "You live in house {house} on alley {alley}.", "zh": "你住在{alley}号弄的{house}号房。"},
    "hh_need": {"en": "What you lack most: {need}.", "zh": "你最缺的：{need}。"},
    "hh_time": {"en": "Free time: {weekday} on weekdays, {evening} in the evenings.",
                "zh": "空闲时间：工作日{weekday}，晚间{evening}。"},
    "hh_feel": {"en": "Your satisfaction is {sat}; your trust in government is {trust}.",
                "zh": "你的满意度{sat}；你对政府的信任{trust}。"},
    "hh_part": {"en": "Your deepest part lately: {rung}.", "zh": "你最近最深的参与：{rung}。"},
    "hh_near": {"en": "Near you: {sites}.", "zh": "你附近：{sites}。"},
    "hh_near_none": {"en": "Nothing is proposed or being built near you.", "zh": "你附近没有提议或在建的项目。"},
    "near_site": {"en": "{what} ({stage})", "zh": "{what}（{stage}）"},
    "volunteering": {"en": "You volunteer for upkeep.", "zh": "你是维护志愿者。"},
    "planner_now": {"en": "Your {hours} hours a week: outreach {outreach}%, workshops {workshops}%, design {design}%, "
                           "coordination {coordination}%.",
                    "zh": "你每周{hours}小时：走访{outreach}%，工作坊{workshops}%，设计{design}%，"
                          "协调{coordination}%。"},
    "planner_people": {"en": "Last week {n} households came to workshops.", "zh": "上周有{n}户参加了工作坊。"},
    "office_budget": {"en": "Budget left this year: {yuan} yuan.", "zh": "本年度剩余预算：{yuan}元。"},
    "office_waiting": {"en": "{n} finished designs wait for approval.", "zh": "{n}个已完成的设计等待审批。"},
    "committee_now": {"en": "Notices reach {reach}% of households a week; survey: {survey}; public meeting: {meeting}; "
                             "help with upkeep rotas: {rota}.",
                      "zh": "每周通知覆盖{reach}%的住户；调查：{survey}；居民会议：{meeting}；"
                            "协助订立维护轮值：{rota}。"},
    "committee_rules": {"en": "{n} of {m} spaces in use have upkeep rules.",
                        "zh": "{m}处在用空间中有{n}处订有维护规则。"},
    "neighbourhood": {"en": "In the neighbourhood: involvement {involved}, satisfaction {sat}, {spaces} spaces in use.",
                      "zh": "小区：深度参与{involved}，满意度{sat}，在用空间{spaces}处。"},
    "yes": {"en": "yes", "zh": "有"},
    "no": {"en": "no", "zh": "无"},
    # a household's actions
    "act_workshop": {"en": "Go to the planner's workshops", "zh": "参加规划师的工作坊"},
    "act_speak_up": {"en": "Speak up: tell the committee what is wrong", "zh": "反映问题：向居委会提意见"},
    "act_propose": {"en": "Propose an initiative to neighbours", "zh": "向邻居发起倡议"},
    "act_meeting": {"en": "Attend meetings (public meeting, platform)", "zh": "参加会议（居民会议、议事平台）"},
    "act_survey": {"en": "Answer the needs survey", "zh": "填写需求调查"},
    "act_volunteer": {"en": "Volunteer for upkeep", "zh": "做维护志愿者"},
    "act_stay_home": {"en": "Stay home this round", "zh": "本轮不参加"},
    "votes_heading": {"en": "Vote on designs near you", "zh": "对你附近的设计投票"},
    "votes_note": {"en": "More votes against than for: the office holds the design. More for: it is approved sooner "
                         "(if the budget allows). Your vote stands until the design is approved or you vote again.",
                   "zh": "反对票多于赞成票：街道暂缓该设计；赞成票多：更快批准（预算允许时）。"
                         "你的投票一直有效，直到设计获批或你重新投票。"},
    "vote_none": {"en": "no vote", "zh": "不投票"},
    "vote_for": {"en": "for", "zh": "赞成"},
    "vote_against": {"en": "against", "zh": "反对"},
    "vote_line": {"en": "{what} on alley {alley} ({stage})", "zh": "{alley}号弄的{what}（{stage}）"},
    "votes_standing": {"en": "Votes so far: {yes} for, {no} against.", "zh": "目前票数：赞成{yes}，反对{no}。"},
    # the office
    "office_rule": {"en": "office's rule", "zh": "按惯例"},
    "approve": {"en": "approve", "zh": "批准"},
    "hold": {"en": "hold", "zh": "暂缓"},
    "no_designs": {"en": "No finished design waits for approval this round.", "zh": "本轮没有待批的设计。"},
    "design_line": {"en": "{what} on alley {alley}, {yuan} yuan", "zh": "{alley}号弄的{what}，{yuan}元"},
    # the planner
    "hours_outreach": {"en": "Outreach (door to door) %", "zh": "上门走访 %"},
    "hours_workshops": {"en": "Workshops %", "zh": "工作坊 %"},
    "hours_design": {"en": "Design %", "zh": "设计 %"},
    "hours_coordination": {"en": "Coordination %", "zh": "协调 %"},
    "hours_total": {"en": "Total: {total}% (must be 100%)", "zh": "合计：{total}%（须为100%）"},
    "visit": {"en": "Whom to visit first", "zh": "优先走访谁"},
    "visit_model": {"en": "as the planner usually does", "zh": "按规划师惯例"},
    "visit_room": {"en": "the households in this room", "zh": "本房间里的住户"},
    "visit_alley": {"en": "alley {alley}", "zh": "{alley}号弄"},
    # the committee
    "notices": {"en": "Notices", "zh": "通知"},
    "notices_few": {"en": "few", "zh": "少"},
    "notices_usual": {"en": "as usual", "zh": "照常"},
    "notices_many": {"en": "many", "zh": "多"},
    "survey_round": {"en": "Run a needs survey this round", "zh": "本轮开展需求调查"},
    "meeting_round": {"en": "Hold a public meeting before the review", "zh": "评审前召开居民会议"},
    "rules": {"en": "Upkeep rules for shared spaces", "zh": "共享空间的维护规则"},
    "rules_usual": {"en": "as usual", "zh": "照常"},
    "rules_rota": {"en": "help each space's users set an upkeep rota", "zh": "帮助各空间的使用者订立维护轮值表"},
    "rules_none": {"en": "no help with rules this round", "zh": "本轮不协助订立规则"},
    "rules_note": {"en": "A space with a rota is kept up by more of its users; rules stay while its core uses it.",
                   "zh": "有轮值表的空间会有更多使用者参与维护；只要骨干还在使用，规则就保留。"},
    # the console
    "console_title": {"en": "Console · room {code}", "zh": "控制台 · 房间 {code}"},
    "who": {"en": "Seats", "zh": "席位"},
    "st_connected": {"en": "connected", "zh": "在线"},
    "st_away": {"en": "away", "zh": "离开"},
    "st_agents": {"en": "played by the agents", "zh": "由模型代理"},
    "st_chosen": {"en": "has chosen", "zh": "已选择"},
    "st_choosing": {"en": "choosing", "zh": "选择中"},
    "no_timer": {"en": "No timer: advance when ready.", "zh": "不计时：准备好后推进。"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "resume": {"en": "Resume", "zh": "继续"},
    "advance": {"en": "Advance the round now", "zh": "立即推进本轮"},
    "replay": {"en": "Replay to the end of round", "zh": "重放至第几轮结束"},
    "replay_show": {"en": "Replay", "zh": "重放"},
    "replayed": {"en": "Replayed from the seed and the log to week {week}: the same as the session: {same}.",
                 "zh": "已从种子和记录重放到第{week}周；与本场一致：{same}。"},
    "branch_heading": {"en": "Branch: what if…", "zh": "分支：如果……"},
    "branch_from": {"en": "From the end of round", "zh": "从第几轮结束起"},
    "branch_seat": {"en": "Seat that chooses otherwise", "zh": "改变选择的席位"},
    "branch_agents": {"en": "The agents choose for it", "zh": "由模型代理选择"},
    "branch_make": {"en": "Make the branch", "zh": "创建分支"},
    "branch_name": {"en": "{name}: from round {round}, {seat} {how}", "zh": "{name}：自第{round}轮起，{seat}{how}"},
    "branch_how_agents": {"en": "left to the agents", "zh": "交给模型代理"},
    "branch_how_person": {"en": "chose otherwise", "zh": "换了选择"},
    "session_run": {"en": "Session", "zh": "本场"},
    "export": {"en": "Export the session", "zh": "导出本场记录"},
    "exported": {"en": "Written to {path}", "zh": "已写入 {path}"},
    "round_choices": {"en": "Choices this round", "zh": "本轮选择"},
    "metric_col": {"en": "Metric", "zh": "指标"},
    # refusals: plain messages, never a traceback
    "err_no_such_room": {"en": "There is no room with that code. Check the code on the screen.",
                         "zh": "没有这个房间码的房间，请核对屏幕上的房间码。"},
    "err_bad_token": {"en": "This page does not hold a seat in this room. Join with the room code.",
                      "zh": "本页面在此房间没有席位，请用房间码加入。"},
    "err_seat_taken": {"en": "Someone has taken that seat. Pick another.", "zh": "该席位已有人，请选择其他席位。"},
    "err_no_such_seat": {"en": "There is no such seat in this room.", "zh": "此房间没有这个席位。"},
    "err_already_chosen": {"en": "Your choice for this round is already in.", "zh": "你本轮已提交过选择。"},
    "err_stale_round": {"en": "That round is over; this is round {round}. Choose again.",
                        "zh": "那一轮已结束，现在是第{round}轮，请重新选择。"},
    "err_not_allowed": {"en": "That choice is not open to this seat this round.", "zh": "本轮此席位不能做这个选择。"},
    "err_hours_sum": {"en": "The hours must add up to 100%.", "zh": "各项时间合计须为100%。"},
    "err_not_facilitator": {"en": "Only the room's facilitator can do that.", "zh": "只有本房间的主持人能这样做。"},
    "err_no_such_round": {"en": "There is no such round yet.", "zh": "还没有这一轮。"},
    "err_too_many_branches": {"en": "At most {most} branches.", "zh": "最多{most}个分支。"},
    "err_too_many_rooms": {"en": "This server already has {most} rooms.", "zh": "本服务器已有{most}个房间。"},
    "err_session_over": {"en": "The session has reached its last round.", "zh": "本场已到最后一轮。"},
    "err_bad_config": {"en": "The room cannot be made: {why}", "zh": "无法创建房间：{why}"},
}


def rt(key: str, lang: str = "en", **values: object) -> str:
    """A room text in ``lang``; keys the room does not have come from the app's texts."""
    entry = ROOM_TEXT.get(key)
    if entry is None:
        return app_t(key, lang, **values)
    return entry.get(lang, entry["en"]).format(**values)


def refusal(key: str, lang: str = "en", **values: object) -> str:
    """The plain message for a RoomError's key."""
    return rt(f"err_{key}", lang, **values) if f"err_{key}" in ROOM_TEXT else rt("err_not_allowed", lang)
