"""The interface's own words in Chinese and English (the ledger's words are in schemas/)."""

from __future__ import annotations

_lang = "zh"

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("人口和计生服务台帐", "Population and family services ledger"),
    "households": ("户列表", "Households"),
    "search_hint": (
        "搜索：户号、姓名、拼音、身份证末几位",
        "Search: number, name, pinyin, last ID digits",
    ),
    "all_villages": ("全部村", "All villages"),
    "all_groups": ("全部组", "All groups"),
    "any_status": ("全部状态", "Any status"),
    "count": ("共{n}户", "{n} households"),
    "count_over": ("超过{n}户（正在计数）", "over {n} households (counting)"),
    "col_number": ("户号", "No."),
    "col_village": ("村/组", "Village/group"),
    "col_head": ("户主", "Head"),
    "col_living": ("人数", "Pers."),
    "col_address": ("住址", "Address"),
    "migrant_mark": ("流入", "migr."),
    "group_short": ("{n}组", "G{n}"),
    "open": ("打开", "Open"),
    "new_household": ("新建户", "New household"),
    "new_person": ("新增人员", "New person"),
    "record_birth": ("出生登记", "Record birth"),
    "record_event": ("登记事件", "Record event"),
    "edit": ("修改", "Edit"),
    "back": ("返回", "Back"),
    "save": ("保存", "Save"),
    "help": ("帮助", "Help"),
    "quit": ("退出", "Quit"),
    "search": ("搜索", "Search"),
    "village": ("村", "Village"),
    "group": ("组", "Group"),
    "status": ("状态", "Status"),
    "switch_village": ("切换村", "Switch village"),
    "set_head": ("设为户主", "Make head"),
    "members": ("家庭成员", "Members"),
    "timeline": ("事件记录", "Events"),
    "no_events": ("（暂无事件）", "(no events yet)"),
    "head": ("户主", "Head"),
    "address": ("住址", "Address"),
    "phone": ("电话", "Phone"),
    "registration": ("户籍", "Registration"),
    "flags": ("家庭类型", "Family"),
    "one_child": ("独生子女户", "one-child family"),
    "special_family": ("计生特殊家庭", "special family"),
    "col_name": ("姓名", "Name"),
    "col_sex": ("性别", "Sex"),
    "col_age": ("年龄", "Age"),
    "col_relation": ("关系", "Relation"),
    "col_marital": ("婚姻", "Marital"),
    "col_residence": ("状态", "Status"),
    "col_id": ("身份证号", "ID number"),
    "person_card": ("人员卡片", "Person card"),
    "household_card": ("户卡片", "Household card"),
    "household_short": ("户", "Household"),
    "saved": ("已保存", "Saved"),
    "previous_head_relation": (
        "原户主{name}与新户主的关系",
        "{name}, the head before: relation to the new head",
    ),
    "saved_late": (
        "已保存。{closed}已结账，本条计入{month}补报",
        "Saved. {closed} is closed: this entry counts as a late entry in {month}",
    ),
    "draft_restored": (
        "上次未保存的内容已恢复（Ctrl+Z 放弃）",
        "What was typed last time and not saved is back (Ctrl+Z drops it)",
    ),
    "draft_dropped": ("已放弃上次未保存的内容", "Dropped what was typed last time"),
    "drop_draft": ("放弃恢复的内容", "Drop the restored input"),
    "stopped_by_signal": ("fptui 已停止（收到停止信号）。", "fptui stopped (it was told to)."),
    "discard_title": ("放弃修改？", "Discard changes?"),
    "discard_body": ("本表单有未保存的修改。", "This form has unsaved changes."),
    "discard_yes": ("放弃修改 (y)", "Discard (y)"),
    "discard_no": ("继续编辑 (n)", "Keep editing (n)"),
    "keys_title": ("本屏按键", "Keys on this screen"),
    "close": ("关闭", "Close"),
    "choose_event": ("选择事件类型", "Choose the event"),
    "choose_village": ("选择村", "Choose a village"),
    "choose_status": ("选择居住状态", "Choose a residence status"),
    "choose_group": ("选择村民小组", "Choose a group"),
    "no_events_apply": ("此人当前没有可登记的事件", "No event applies to this person now"),
    "birth_order": ("本次孩次：{n}", "Birth order of this birth: {n}"),
    "birth_order_short": ("第{n}孩", "child no. {n}"),
    "choose_mother": ("先选择母亲", "Choose the mother first"),
    "no_mother": ("本户没有可登记为母亲的妇女", "No woman of this household can be recorded"),
    "form_errors": ("有{n}处需要更正", "{n} fields need correcting"),
    "reload": ("重新载入", "Reload"),
    # issue 15, minimal redraws: a long list of choices (a township's villages) is not
    # shown beside its field but picked from F4's list, or typed (its name or number)
    "pick_choice": ("从列表选择", "Choose from the list"),
    "choose_long": ("输入名称或序号，F4 选择", "type a name or number, F4 lists"),
    "choose_none": ("没有相符的，F4 选择", "none matches, F4 lists"),
    "choose_in_f4": ("F4 列表中的一项", "one of F4's list"),
    "reload_hint": (
        "按 Ctrl+R 重新载入：显示最新内容，保留您改过的项，核对后再保存",
        "Ctrl+R reloads: the record as it is now, with your changes kept; check, then save",
    ),
    "reloaded": (
        "已重新载入最新内容，您改过的项已保留；请核对后保存",
        "Reloaded: the record as it is now, with your changes kept; check, then save",
    ),
    "no_household": ("先选择一户", "Choose a household first"),
    "no_person": ("先选择一名成员", "Choose a member first"),
    "nothing_found": (
        "没有找到。可按户号、姓名、拼音或身份证号末几位查找。",
        "Nothing found. Try a household no., name, pinyin or last ID digits.",
    ),
    "id_label": ("身份证号", "ID number"),
    "age_years": ("{n}岁", "{n} y"),
    "born": ("出生", "born"),
    "events_of": ("{name}的事件", "Events of {name}"),
    "mother": ("母亲", "Mother"),
    "father": ("父亲", "Father"),
    "spouse": ("配偶", "Spouse"),
    "entered": ("录入", "entered"),
    "followups": ("随访清单", "Follow-ups"),
    "followup_done": ("完成随访", "Mark done"),
    "reschedule": ("改期", "Reschedule"),
    "visit_sheet": ("随访工作单", "Visit sheet"),
    "due_overdue": ("已逾期", "Overdue"),
    "due_7d": ("7天内到期", "Due in 7 days"),
    "due_30d": ("30天内到期", "Due in 30 days"),
    "due_all": ("全部未完成", "All open"),
    "key_overdue": ("逾期", "Overdue"),
    "key_7d": ("7天", "7 days"),
    "key_30d": ("30天", "30 days"),
    "key_all": ("全部", "All"),
    "fu_counts": (
        "全部：逾期{overdue} · 7天内{week} · 未完成{open}",
        "All: overdue {overdue} · due in 7 days {week} · open {open}",
    ),
    "no_followups": ("（没有需要办理的随访）", "(no follow-ups to do)"),
    "col_due": ("截止日期", "Due"),
    "col_late": ("逾期", "Late"),
    "col_visit": ("随访项目", "Visit"),
    "days_late": ("{n}天", "{n}d"),
    "sheet_written": ("随访工作单已保存：{path}", "Visit sheet written: {path}"),
    "open_followups": ("未完成随访", "Open follow-ups"),
    "palette_followups": ("逾期和即将到期的随访", "Overdue and upcoming visits"),
    "score_label": ("{month}得分", "Score {month}"),
    "score_computing": ("得分计算中…", "Computing the score…"),
    "score_worst": ("失分最多", "most lost"),
    "score_vetoed": ("（一票否决）", "(vetoed)"),
    "score_total": ("合计", "Total"),
    "score_hint": ("Enter 查看失分记录", "Enter lists the records behind lost points"),
    "score_cases": ("失分记录", "Records"),
    "score": ("得分", "Score"),
    "col_indicator": ("考核指标", "Indicator"),
    "col_figure": ("完成", "Figure"),
    "col_target": ("目标", "Target"),
    "col_points": ("分值", "Points"),
    "col_lost": ("扣分", "Lost"),
    "no_cases": ("（没有失分记录）", "(nothing lost here)"),
    "case_no_record": ("此项不指向具体户", "This case has no household to open"),
    "palette_score": ("查看考核得分及失分记录", "The score and the records behind lost points"),
    "save_first": (
        "表单有未保存的修改：先保存（Ctrl+S）或放弃（Esc）",
        "A form has unsaved changes: save (Ctrl+S) or drop them (Esc) first",
    ),
    "no_villages": (
        "还没有村：先用命令 fptui setup 建立乡镇、村和村民小组（见 README）",
        "No villages yet: set up the township, villages and groups with `fptui setup`",
    ),
    "no_households": ("还没有户：按 Ctrl+N 新建", "No households yet: Ctrl+N adds one"),
    "key_head": ("户主", "Head"),
    "key_visits": ("随访", "Visits"),
    "export": ("导出", "Export"),
    "export_return": ("导出月报", "Monthly return"),
    "export_title": ("导出月报（Excel）", "Export the monthly return (Excel)"),
    "export_month": ("统计月份（YYYY-MM）：", "Month (YYYY-MM):"),
    "export_unit": ("填报单位：", "Reporting unit: "),
    "export_township": ("全乡镇（各村一行并合计）", "The township (a row per village, a total)"),
    "export_hint": ("Ctrl+S 导出；F4 选择村", "Ctrl+S exports; F4 chooses the village"),
    "export_running": ("正在写入…", "Writing…"),
    "export_done": ("已保存：{path}", "Written: {path}"),
    "export_bad_month": ("月份格式应为 YYYY-MM，如 2026-10", "The month is YYYY-MM, e.g. 2026-10"),
    "export_future": (
        "{month}还没开始，只能导出本月或以前的月报",
        "{month} has not begun: export this month or an earlier one",
    ),
    "palette_export": ("把一个月的月报导出为 Excel", "Write a month's return to Excel"),
    "clear_search": ("清空搜索", "Clear the search"),
    "palette_title": ("命令面板：所有操作", "Command palette: every action"),
    "palette_new_household": ("新建一户", "Create a new household"),
    "palette_new_person": ("在当前户新增人员", "Add a person to the current household"),
    "palette_event": ("为当前人员登记事件", "Record an event for the current person"),
    "palette_birth": ("在当前户登记出生", "Record a birth in the current household"),
    "palette_search": ("回到户列表搜索", "Go to the household list and search"),
    "palette_village": ("只看某一个村", "Show one village only"),
    "palette_set_up": ("设置区划", "Set up areas"),
    "palette_set_up_help": (
        "添加村（或新的乡镇）及其村民小组",
        "Add a village (or a new township) and its groups",
    ),
    "correct_event": ("更正事件", "Correct an event"),
    "choose_event_to_correct": ("选择要更正的事件", "Choose the event to correct"),
    "void_event": ("作废事件", "Void an event"),
    "choose_event_to_void": ("选择录错、要作废的事件", "Choose the event entered in error"),
    "act_void_event": ("作废事件", "Event voided"),
    "reconcile": ("月度核对", "Month end"),
    "palette_reconcile": (
        "核对一个月的平衡、差错和变更，然后结账",
        "Check a month's balance, errors and changes, then close it",
    ),
    "rc_title": ("月度核对", "Month end"),
    "rc_no_village": ("还没有村：请先建账", "No village yet: set up the ledger first"),
    "rc_open": ("未结账", "open"),
    "rc_closed": ("已结账（{by} {at}）", "closed ({by} {at})"),
    "rc_balance": (
        "期初{start} +出生{births} −死亡{deaths} +迁入{moved_in} −迁出{moved_away} "
        "补报{late} 补登{added} = {expected}；实有{end}",
        "{start} +{births} born −{deaths} died +{moved_in} in −{moved_away} out "
        "{late} late {added} added = {expected}; now {end}",
    ),
    "rc_added_head": (
        "补登 {n}：结账后手工新增、没有出生或迁入事件的人",
        "Added {n}: entered by hand since the close, with no birth or move in",
    ),
    "rc_difference": ("差{diff}人", "off {diff}"),
    "rc_balanced": ("平衡", "balanced"),
    "rc_state_closed": (
        "本月已结账：数字已冻结；补报计入下月，更正请按 r 重开",
        "Closed: its figures are frozen; late entries go to next month, r reopens",
    ),
    "rc_ready": ("可以结账：按 c 结账", "Ready: c closes the month"),
    "rc_blocked": ("暂不能结账", "Cannot close yet"),
    "rc_block_not_ended": ("本月还没过完", "the month has not ended"),
    "rc_block_difference": ("人口差{diff}", "population off by {diff}"),
    "rc_block_errors": ("差错{n}条", "{n} errors"),
    "rc_block_warnings": ("警告{n}条未确认", "{n} warnings to acknowledge"),
    "rc_errors_head": ("差错 {n}（须更正）", "Errors {n} (to correct)"),
    "rc_warnings_head": (
        "警告 {n}，已确认 {ack}（空格确认）",
        "Warnings {n}, {ack} acknowledged (Space)",
    ),
    "rc_overdue_head": ("到月底仍未做的随访 {n}", "Visits due by month end, not done {n}"),
    "rc_changes_head": ("本月初以来录入的变更 {n}", "Changes entered since the month began {n}"),
    "score_failed": ("得分计算失败：{error}", "The score could not be counted: {error}"),
    "rc_township": ("全乡镇", "Township"),
    "rc_count_failed": (
        "统计失败：{error}（按 [ 或 ] 重试）",
        "Counting failed: {error} ([ or ] to retry)",
    ),
    "rc_township_state": (
        "{n}个村中已结账{closed}个；回车打开一个村的核对",
        "{closed} of {n} villages closed; Enter opens a village's month end",
    ),
    "rc_col_state": ("状态", "State"),
    "rc_col_difference": ("人口差", "Off by"),
    "rc_col_errors": ("差错", "Errors"),
    "rc_col_warnings": ("警告", "Warnings"),
    "rc_late": ("逾期{n}天", "{n} days late"),
    "rc_ack": ("确认警告", "Acknowledge"),
    "rc_close": ("结账", "Close month"),
    "rc_reopen": ("重开", "Reopen"),
    "rc_prev": ("上月", "Previous month"),
    "rc_next": ("下月", "Next month"),
    "rc_errors": ("跳到差错", "Go to errors"),
    "rc_warnings": ("跳到警告", "Go to warnings"),
    "rc_overdue": ("跳到随访", "Go to visits"),
    "rc_changes": ("跳到变更", "Go to changes"),
    "rc_ack_only_warnings": ("只有警告需要确认", "Only warnings are acknowledged"),
    "rc_future": ("这个月还没到", "That month has not begun"),
    "rc_backup_failed": ("备份失败，未结账：{error}", "Backup failed, not closed: {error}"),
    "rc_closed_done": ("{month}已结账，已备份", "{month} closed, backup made"),
    "rc_confirm_title": ("结账：{village} {month}？", "Close {month} of {village}?"),
    "rc_confirm_body": (
        "先备份数据库，再冻结本月数字；之后本月事件不能修改，补报计入下月。",
        "The database is backed up, then the month's figures are frozen; its events can "
        "no longer change, late entries go to the next month.",
    ),
    "rc_not_closed": ("本月尚未结账", "This month is not closed"),
    "confirm_yes": ("y 确定", "y yes"),
    "confirm_no": ("n 取消", "n no"),
    "act_add_area": ("新增区划", "Area added"),
    "act_add_household": ("新建户", "Household added"),
    "act_edit_household": ("修改户", "Household edited"),
    "act_set_head": ("设户主", "Head set"),
    "act_add_person": ("新增人员", "Person added"),
    "act_edit_person": ("修改人员", "Person edited"),
    "act_open_ledger": ("建账", "Ledger opened"),
    "act_edit_event": ("更正事件", "Event corrected"),
    "act_mark_followup_done": ("随访完成", "Visit done"),
    "act_reschedule_followup": ("随访改期", "Visit rescheduled"),
    "act_plan_followup": ("生成随访", "Visits planned"),
    "act_move_followup": ("随访调整", "Visit moved"),
    "act_cancel_followup": ("随访取消", "Visit cancelled"),
    "act_regenerate_move": ("重算随访", "Visits recomputed"),
    "act_regenerate_remove": ("重算随访", "Visits recomputed"),
    "act_close_month": ("结账", "Month closed"),
    "act_reopen_month": ("重开月份", "Month reopened"),
    "act_restore": ("恢复备份", "Backup restored"),
    # --- issue 14, F8's months and kept acknowledgements (branch month) ---
    "score_prev": ("上月", "Prev month"),
    "score_next": ("下月", "Next month"),
    "score_ytd": ("年度累计", "Year to date"),
    "score_month_title": ("{month}得分", "Score {month}"),
    "score_ytd_title": (
        "{start}至{end}得分（统计年度累计）",
        "Score {start} to {end} (statistical year to date)",
    ),
    "score_future": ("这个月还没到", "That month has not begun"),
    "score_month_failed": (
        "得分计算失败：{error}（按 [ ] 或 y 重试）",
        "The score could not be counted: {error} ([ ] or y to retry)",
    ),
    "rc_ack_key": ("确认警告", "Accept"),
    "rc_close_key": ("结账", "Close"),
    "rc_months": ("上月/下月", "Month"),
    "rc_acked_by": ("{by} {at}确认", "{by} {at}"),
    "act_acknowledge_warning": ("确认警告", "Warning acknowledged"),
    "act_withdraw_acknowledgement": ("撤销警告确认", "Acknowledgement withdrawn"),
    # --- issue 14, first use in the app: the set-up form (screens/setup.py) ---
    "setup_title": (
        "设置区划：县（区）、乡镇（街道）、村（居）",
        "Set up the areas: county, township, villages",
    ),
    "setup_codes": (
        "村的12位代码 = 县代码6位 + 乡镇代码3位 + 村代码3位（如 140121 101 201）。\n"
        "乡镇和村可只填自己的3位（也可填完整的9位、12位）；Ctrl+N 再加一个村。",
        "A village's 12-digit code = the county's 6 digits + the township's 3 + the\n"
        "village's 3 (e.g. 140121 101 201). Type the township's and each village's own\n"
        "3 digits (or all 9, all 12); Ctrl+N adds another village.",
    ),
    "setup_preview": ("村代码：{codes}", "Village codes: {codes}"),
    "setup_saved": ("区划已建立：{villages}（新增{n}项）", "Set up: {villages} ({n} areas added)"),
    "setup_needed": (
        "还没有村：按 Ctrl+N 设置县、乡镇、村和村民小组",
        "No villages yet: Ctrl+N sets up the county, township, villages and groups",
    ),
    "add_village": ("再加一个村", "Another village"),
    # issue 14, the form (forms engineer): the birth form's father, her spouse
    "mothers_spouse": ("（母亲的配偶）", "(the mother's spouse)"),
    # --- issue 14, footers and Textual's own words (the words engineer) ---------------
    # The footer's words: short, so that every screen's keys fit 80 columns in both
    # languages (F1 lists the same words, and every key hidden from the footer).
    "fk_new_household": ("新建户", "New"),
    "fk_export_return": ("导出月报", "Export"),
    "fk_followups": ("随访", "Visits"),
    "fk_person": ("新增人员", "Person"),
    "fk_birth": ("出生", "Birth"),
    "fk_event": ("事件", "Event"),
    "fk_correct": ("更正事件", "Correct"),
    "fk_void": ("作废事件", "Void"),
    "fk_done": ("完成", "Done"),
    "fk_ack": ("确认警告", "Accept"),
    "fk_close_month": ("结账", "Close"),
    "fk_prev": ("上月", "Prev"),
    "fk_next": ("下月", "Next"),
    "fk_discard": ("放弃修改", "Discard"),
    "fk_keep": ("继续编辑", "Keep editing"),
    "fk_yes": ("确定", "Yes"),
    "fk_no": ("取消", "No"),
    "too_small": (
        "窗口太小：至少 {need}，现在 {now}；请放大终端窗口",
        "The window is too small: at least {need}, now {now}; make the terminal larger",
    ),
    "palette_placeholder": (
        "输入要做的事，如：新建户、随访、导出…",
        "Type what to do: new household, visits, export…",
    ),
    "palette_no_match": ("没有找到这个命令", "No command matches"),
    "ctrl_c_quits_not": ("要退出 fptui，请按 Ctrl+Q", "Ctrl+Q quits fptui"),
}


def set_lang(lang: str) -> None:
    global _lang
    _lang = "en" if lang == "en" else "zh"


def lang() -> str:
    return _lang


def t(key: str, **params: object) -> str:
    zh, en = TEXT[key]
    text = en if _lang == "en" else zh
    return text.format(**params) if params else text


def month_name(key: str | None) -> str:
    """`YYYY-MM` as the language names a month: 2026年12月, December 2026."""
    if not key:
        return ""
    year, month = (int(x) for x in key.split("-"))
    if _lang == "en":
        import calendar

        return f"{calendar.month_name[month]} {year}"
    return f"{year}年{month}月"


def colon() -> str:
    """The colon between a label and its value: full-width in Chinese."""
    return ": " if _lang == "en" else "："


def listing(items: list[str]) -> str:
    """Items joined as the language writes a list."""
    return (", " if _lang == "en" else "、").join(items)


def choice(list_name: str, key: str | None) -> str:
    """The label of a choice key (sex, residence, ...) in the interface language."""
    from fptui import schema  # loaded when first needed, not before the first paint

    return schema.current().choices[list_name].label_of(key, _lang)


class Localised:
    """Mixin for screens and widgets whose BINDINGS give text keys as descriptions.

    Textual reads a binding's description as plain text when the class is made, before
    `--lang` is known; each instance here replaces the keys with words of the language
    in use, so the footer and F1 speak it.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from dataclasses import replace

        from textual.binding import BindingsMap

        bindings = self._bindings  # type: ignore[has-type]
        self._bindings = BindingsMap(
            replace(b, description=t(b.description)) if b.description in TEXT else b
            for group in bindings.key_to_bindings.values()
            for b in group
        )
