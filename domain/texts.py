"""Every text the bot says, in Chinese (default) and English; HTML with escaped parameters."""

from __future__ import annotations

import re
from typing import Any

LANGUAGES = ("zh", "en")


class Html(str):
    """A fragment that is already safe HTML and must not be escaped again."""

    __slots__ = ()


CATALOGUE: dict[str, tuple[str, str]] = {
    # Desk (issue 4): import in the chat
    "import.preview": (
        "📥 <b>导入预览</b>：{file}\n整改轮次：{campaign}{new_campaign}\n"
        "共 {tasks} 条整改措施、{problems} 个问题：新增 {new} 条，变更 {changed} 条，"
        "无变化 {unchanged} 条；新增人员 {people} 人。{changed_list}{removed}\n\n"
        "<b>按责任单位</b>\n{units}\n<b>按类型</b>\n{kinds}\n<b>按牵头领导</b>\n{leads}\n\n"
        "确认前不会写入任何数据。",
        "📥 <b>Import preview</b>: {file}\nRound: {campaign}{new_campaign}\n"
        "{tasks} measures under {problems} problems: {new} new, {changed} changed, "
        "{unchanged} unchanged; {people} new people.{changed_list}{removed}\n\n"
        "<b>By unit</b>\n{units}\n<b>By kind</b>\n{kinds}\n<b>By lead leader</b>\n{leads}\n\n"
        "Nothing is written before you confirm.",
    ),
    "import.new_campaign": ("（新建）", " (new)"),
    "import.changed_list": ("\n变更的编号：{numbers}", "\nChanged numbers: {numbers}"),
    "import.removed": (
        "\n⚠️ 系统中有 {count} 条任务不在本文件中，将保留不删除：{numbers}",
        "\n⚠️ {count} tasks in the bot are not in this file; they are kept, not deleted: {numbers}",
    ),
    "import.round": (
        "\n轮次信息（确认后写入）：{items}",
        "\nRound sheet (written on confirmation): {items}",
    ),
    "import.round_source": ("类型 {value}", "kind {value}"),
    "import.round_feedback": ("反馈日期 {value}", "feedback {value}"),
    "import.round_plan": ("整改方案报送时限 {value}", "plan due {value}"),
    "import.round_report": ("整改情况报告报送时限 {value}", "report due {value}"),
    "import.immediate_late": (
        "\n⚠️ {count} 条立行立改措施的整改时限晚于反馈后一个月（{due}），请核实：{numbers}",
        "\n⚠️ {count} immediate measure(s) are due later than a month after the feedback "
        "({due}); please check: {numbers}",
    ),
    "import.count_line": ("  {name}：{count}", "  {name}: {count}"),
    "import.more": ("等，共 {count} 项", "… {count} in all"),
    "import.confirm": ("✅ 确认导入", "✅ Confirm import"),
    "import.cancel": ("✖️ 取消", "✖️ Cancel"),
    "import.done": (
        "✅ 已导入到“{campaign}”{new_campaign}：新增 {added} 条，更新 {updated} 条"
        "（已报送的进展均保留）；新增人员 {people} 人，共 {problems} 个问题。{removed}",
        "✅ Imported into “{campaign}”{new_campaign}: {added} added, {updated} updated "
        "(progress already reported is kept); {people} new people, {problems} problems.{removed}",
    ),
    "import.working": (
        "⏳ 正在导入，请稍候……（其他操作不受影响）",
        "⏳ Importing, please wait… (everything else goes on meanwhile)",
    ),
    "import.not_done": (
        "❌ 工作簿未导入，未写入任何数据；请按下一条消息处理后重新发送该工作簿。",
        "❌ The workbook was not imported and nothing was written; see the next message, then "
        "send the workbook again.",
    ),
    "import.cancelled": ("已取消导入，未写入任何数据。", "Import cancelled; nothing was written."),
    "import.rejected": (
        "❌ 工作簿未导入（未写入任何数据），共 {count} 处问题：\n{lines}",
        "❌ The workbook was not imported (nothing was written); {count} problem(s):\n{lines}",
    ),
    "import.error_line": ("• {where}：{reason}", "• {where}: {reason}"),
    "import.where_sheet": ("“{sheet}”表", "sheet “{sheet}”"),
    "import.where_file": ("文件", "the file"),
    "import.where_row": ("第 {row} 行", "row {row}"),
    "import.where_column": ("“{column}”列", "column “{column}”"),
    "import.error_more": (
        "……另有 {count} 处，见附件中的“错误清单”。",
        "… {count} more, see the “错误清单” sheet of the attached file.",
    ),
    "import.marked": (
        "已在附件中将出错的单元格标红并加了批注，修改后请重新发送。",
        "The attached copy marks the bad cells in red with a note; fix them and send it again.",
    ),
    "import.too_big": (
        "文件过大（{size} MB），机器人最多可接收 {limit} MB 的文件。请拆分后分批发送。",
        "The file is too big ({size} MB); the bot can receive at most {limit} MB. "
        "Please split it and send the parts.",
    ),
    "import.old_format": (
        "这是旧版 Excel (.xls) 或其他格式的文件。请用 Excel 或 WPS 另存为 .xlsx 后重新发送。",
        "This is an old Excel (.xls) or other file. Please save it as .xlsx and send it again.",
    ),
    "error.import_decided": (
        "这份导入预览已处理（{outcome}），如需导入请重新发送文件。",
        "This import preview was already handled ({outcome}); send the file again to import.",
    ),
    "outcome.confirmed": ("已确认导入", "confirmed"),
    "outcome.cancelled": ("已取消", "cancelled"),
    "outcome.expired": ("已过期，超过 24 小时", "expired after 24 hours"),
    "outcome.approved": ("已同意", "approved"),
    "outcome.refused": ("未同意", "refused"),
    # Desk (issue 4): commands in menus and /help
    "cmd.extend": ("申请延期", "Ask for a deadline extension"),
    "cmd.status": ("整改进度（可加单位名）", "Status (optionally of a unit)"),
    "cmd.overdue": ("逾期任务", "Overdue tasks"),
    "cmd.silent": ("本期未报送", "No report this period"),
    "cmd.pending": ("待审核销号", "Awaiting sign-off"),
    "cmd.person": ("查某人的任务", "A person's tasks"),
    "cmd.task": ("查某项任务（编号）", "One task (by number)"),
    "cmd.history": ("任务操作记录（编号）", "A task's audit trail"),
    "cmd.campaign": ("切换整改轮次", "Switch round"),
    "cmd.remind": ("立即提醒（人/单位/silent）", "Nudge now (person/unit/silent)"),
    "cmd.reassign": ("调整责任人", "Move a task to another person"),
    "cmd.deactivate": ("停用离岗人员", "Retire a person who left"),
    "cmd.export": ("导出整改台账", "Export the ledger"),
    "cmd.report": ("生成整改情况报告", "Write the rectification report"),
    "cmd.dossier": ("导出一事一档", "Export task dossiers"),
    # Desk (issue 4): campaigns and queries
    "campaign.list": (
        "<b>整改轮次</b>（当前：{current}）\n请选择：",
        "<b>Rounds</b> (current: {current})\nChoose one:",
    ),
    "campaign.none": (
        "还没有整改轮次。发送导入工作簿并在文件说明中写上轮次名称即可新建。",
        "There is no round yet. Send an import workbook with the round's name as its caption.",
    ),
    "campaign.switched": ("已切换到整改轮次：{name}", "Now working on round: {name}"),
    "campaign.pick": (
        "有多个轮次匹配“{name}”，请选择：",
        "Several rounds match “{name}”; choose one:",
    ),
    "query.scope_unit": ("（范围：{unit}）", " (scope: {unit})"),
    "query.scope_lead": ("（范围：您牵头的任务）", " (scope: the tasks you lead)"),
    "query.scope_both": (
        "（范围：{unit}及您牵头的任务）",
        " (scope: {unit} and the tasks you lead)",
    ),
    "query.usage_task": ("用法：/task 编号，如 /task 1.2", "Usage: /task NUMBER, e.g. /task 1.2"),
    "query.usage_history": (
        "用法：/history 编号，如 /history 1.2",
        "Usage: /history NUMBER, e.g. /history 1.2",
    ),
    "query.usage_person": (
        "用法：/person 姓名（可输入部分姓名）",
        "Usage: /person NAME (part of it is enough)",
    ),
    "query.no_unit": ("在您的范围内未找到单位“{name}”。", "No unit “{name}” within your scope."),
    "query.no_person": (
        "在您的范围内未找到责任人“{name}”。",
        "No official “{name}” within your scope.",
    ),
    "query.pick_unit": (
        "有多个单位匹配“{name}”，请选择：",
        "Several units match “{name}”; choose one:",
    ),
    "query.pick_person": (
        "有多人匹配“{name}”，请选择：",
        "Several people match “{name}”; choose one:",
    ),
    "query.no_task": (
        "未找到编号为“{number}”的任务（或不在您的范围内）。",
        "No task “{number}” (or not within your scope).",
    ),
    "query.title.1": ("<b>逾期未销号任务</b>", "<b>Overdue tasks</b>"),
    "query.title.2": ("<b>本期未报送进展的任务</b>", "<b>Tasks with no report this period</b>"),
    "query.title.3": ("<b>待审核销号任务</b>", "<b>Tasks awaiting sign-off</b>"),
    "query.title.4": ("<b>{subject} 的整改任务</b>", "<b>Tasks of {subject}</b>"),
    "query.title.5": ("<b>{subject} 负责的整改任务</b>", "<b>Tasks owned by {subject}</b>"),
    "query.header": (
        "{title}{scope}\n{campaign} · 共 {total} 项 · 第 {page}/{pages} 页",
        "{title}{scope}\n{campaign} · {total} in all · page {page}/{pages}",
    ),
    "query.empty": ("{title}{scope}\n{campaign}：无。", "{title}{scope}\n{campaign}: none."),
    "query.item": (
        "{light} <b>{number}</b> {unit}·{owner}\n    {measure}\n    {status} {percent}% · 时限 {due} · 最近报送 {last}",
        "{light} <b>{number}</b> {unit} · {owner}\n    {measure}\n    {status} {percent}% · due {due} · last report {last}",
    ),
    "query.prev": ("◀️ 上一页", "◀️ Previous"),
    "query.next": ("下一页 ▶️", "Next ▶️"),
    "query.never": ("从未", "never"),
    "query.task": (
        "📌 <b>任务 {number}</b>（{campaign}）{light}\n"
        "<b>问题</b>：{problem}\n<b>措施</b>：{measure}\n"
        "<b>责任单位</b>：{unit}　<b>责任人</b>：{owner}　<b>牵头领导</b>：{lead}\n"
        "<b>类型</b>：{kind}　<b>时限</b>：{due}\n<b>状态</b>：{status}　<b>进度</b>：{percent}%",
        "📌 <b>Task {number}</b> ({campaign}) {light}\n"
        "<b>Problem</b>: {problem}\n<b>Measure</b>: {measure}\n"
        "<b>Unit</b>: {unit}  <b>Owner</b>: {owner}  <b>Lead</b>: {lead}\n"
        "<b>Kind</b>: {kind}  <b>Due</b>: {due}\n<b>Status</b>: {status}  <b>Progress</b>: {percent}%",
    ),
    "query.reports": (
        "<b>进展报送</b>（最近 {shown} 条，共 {count} 条）",
        "<b>Reports</b> (latest {shown} of {count})",
    ),
    "query.no_reports": ("<b>进展报送</b>：暂无", "<b>Reports</b>: none yet"),
    "query.report": (
        "• {when} {author}：{text}{percent}{files}",
        "• {when} {author}: {text}{percent}{files}",
    ),
    "query.files": (" 📎{count}", " 📎{count}"),
    "query.evidence": (
        "<b>佐证材料</b>：{count} 份{names}",
        "<b>Evidence</b>: {count} file(s){names}",
    ),
    "query.more": (
        "发送 /history {number} 查看完整操作记录。",
        "Send /history {number} for the full audit trail.",
    ),
    # Desk (issue 4): review and sign-off
    "review.sign_off": ("✅ 同意销号", "✅ Sign off"),
    "review.send_back": ("↩️ 退回", "↩️ Send back"),
    "review.evidence": (
        "佐证材料 {count} 份：{names}（最新一份附后）",
        "{count} evidence file(s): {names} (the newest follows)",
    ),
    "review.signed_off": (
        "✅ 您的任务 <b>{number}</b> 已审核通过并销号：{measure}",
        "✅ Your task <b>{number}</b> has been reviewed and signed off: {measure}",
    ),
    "review.sent_back": (
        "↩️ 您的任务 <b>{number}</b> 的销号申请被退回，任务恢复为整改中。\n退回原因：{reason}\n"
        "请继续整改并报送进展。",
        "↩️ The sign-off request for your task <b>{number}</b> was sent back; the task is in "
        "progress again.\nReason: {reason}\nPlease continue and keep reporting.",
    ),
    "review.done_signed": (
        "✅ 已对任务 <b>{number}</b> 销号（{reviewer}）。",
        "✅ Task <b>{number}</b> signed off ({reviewer}).",
    ),
    "review.problem_rectified": (
        "该问题的全部整改措施均已销号，问题整改完成：{problem}",
        "All measures of this problem are signed off; the problem is rectified: {problem}",
    ),
    "review.ask_reason": (
        "请回复本消息，写明退回任务 <b>{number}</b> 的原因（将转告责任人）：",
        "Reply to this message with the reason for sending task <b>{number}</b> back "
        "(the official will see it):",
    ),
    "review.done_sent_back": (
        "↩️ 已退回任务 <b>{number}</b>，已告知责任人。原因：{reason}",
        "↩️ Task <b>{number}</b> sent back; the official has been told. Reason: {reason}",
    ),
    "review.reason_empty": (
        "退回原因不能为空，请回复上面的提问并写明原因。",
        "The reason cannot be empty; reply to the question above with the reason.",
    ),
    "prompt.answered": (
        "这个提问已经回答过了。",
        "That question has already been answered.",
    ),
    "error.own_task": (
        "您是该任务的责任人，不能审核自己的任务。",
        "You own this task; no one reviews their own task.",
    ),
    # Desk (issue 4): deadline extensions
    "status.decided": ("已处理", "already decided"),
    "extension.pick": ("请选择要申请延期的任务：", "Choose the task to ask an extension for:"),
    "extension.none": ("您目前没有可申请延期的任务。", "You have no task to ask an extension for."),
    "extension.ask": (
        "申请延期：任务 <b>{number}</b>（现时限 {due}）。\n请回复本消息，写明新的完成时限和理由，"
        "例如：<code>2027-03-31 专项资金尚未下达</code>",
        "Extension for task <b>{number}</b> (due {due}).\nReply to this message with the new date "
        "and the reason, e.g. <code>2027-03-31 funds not yet allocated</code>",
    ),
    "extension.sent": (
        "已提交延期申请：任务 <b>{number}</b> 申请延至 {new}，等待协调员审批。",
        "Extension request sent: task <b>{number}</b> to {new}; waiting for the coordinators.",
    ),
    "extension.request": (
        "⏳ <b>延期申请</b>（{campaign}）\n{owner}（{unit}）申请将任务 <b>{number}</b> 的时限由 {old} 延至 {new}。\n"
        "{measure}\n理由：{reason}",
        "⏳ <b>Extension request</b> ({campaign})\n{owner} ({unit}) asks to move task <b>{number}</b> from "
        "{old} to {new}.\n{measure}\nReason: {reason}",
    ),
    "extension.approve": ("✅ 同意", "✅ Approve"),
    "extension.other_date": ("📅 另定日期", "📅 Another date"),
    "extension.refuse": ("✖️ 不同意", "✖️ Refuse"),
    "extension.ask_date": (
        "请回复本消息，写明任务 <b>{number}</b> 的新时限（如 2027-02-28）：",
        "Reply to this message with the new deadline for task <b>{number}</b> (e.g. 2027-02-28):",
    ),
    "extension.ask_note": (
        "请回复本消息，写明不同意任务 <b>{number}</b> 延期的理由（将转告责任人）：",
        "Reply to this message with the reason for refusing task <b>{number}</b>'s extension "
        "(the official will see it):",
    ),
    "extension.approved": (
        "✅ 您的任务 <b>{number}</b> 延期申请已获同意，新时限：{due}。",
        "✅ The extension for your task <b>{number}</b> was approved; new deadline: {due}.",
    ),
    "extension.refused": (
        "✖️ 您的任务 <b>{number}</b> 延期申请未获同意，时限不变。理由：{note}",
        "✖️ The extension for your task <b>{number}</b> was refused; the deadline stays. "
        "Reason: {note}",
    ),
    "extension.decided": (
        "已处理任务 <b>{number}</b> 的延期申请：{outcome}{due}。已告知责任人。",
        "Extension for task <b>{number}</b> decided: {outcome}{due}. The official has been told.",
    ),
    "error.extension_pending": (
        "任务 {number} 已有一项延期申请等待审批，请勿重复申请。",
        "Task {number} already has an extension request waiting for a decision.",
    ),
    "error.extension_no_date": (
        "没有找到新的时限日期。请写明日期，如：2027-03-31 专项资金尚未下达",
        "No new date found. Write the date, e.g.: 2027-03-31 funds not yet allocated",
    ),
    "error.extension_bad_date": ("日期无效，请检查年月日。", "That date is not valid."),
    "error.extension_past": ("新时限必须晚于今天。", "The new deadline must be after today."),
    "error.extension_too_far": (
        "新时限不能晚于 {due}（十年以内），请检查年份。",
        "The new deadline cannot be later than {due} (within ten years); please check the year.",
    ),
    "error.extension_not_later": (
        "新时限必须晚于现时限（{due}）。",
        "The new deadline must be after the current one ({due}).",
    ),
    "error.extension_no_reason": (
        "请写明延期理由，如：2027-03-31 专项资金尚未下达",
        "Please give the reason, e.g.: 2027-03-31 funds not yet allocated",
    ),
    # Desk (issue 4): changes of plan and nudges
    "status.same_owner": ("已是该责任人", "already that person's"),
    "status.self": ("不能停用自己", "you cannot retire yourself"),
    "reassign.usage": (
        "用法：/reassign 任务编号 新责任人姓名，如 /reassign 1.2 李晓燕",
        "Usage: /reassign NUMBER NAME, e.g. /reassign 1.2 李晓燕",
    ),
    "reassign.pick": (
        "有多人匹配“{name}”，请选择任务 {number} 的新责任人：",
        "Several people match “{name}”; choose task {number}'s new owner:",
    ),
    "reassign.done": (
        "✅ 任务 <b>{number}</b> 的责任人已由 {before} 调整为 {after}，进展和佐证材料随任务保留，双方均已收到通知。",
        "✅ Task <b>{number}</b> moved from {before} to {after}; its reports and evidence stay with it. Both have been told.",
    ),
    "reassign.to_you": (
        "📌 任务 <b>{number}</b> 已调整由您负责（原责任人：{before}）：{measure}\n时限：{due}。发送 /mytasks 查看。",
        "📌 Task <b>{number}</b> is now yours (previously {before}): {measure}\nDue {due}. Send /mytasks to see it.",
    ),
    "reassign.from_you": (
        "任务 <b>{number}</b> 已调整由 {after} 负责，您无需再报送该任务的进展。",
        "Task <b>{number}</b> now belongs to {after}; you no longer report on it.",
    ),
    "deactivate.usage": ("用法：/deactivate 姓名", "Usage: /deactivate NAME"),
    "deactivate.pick": (
        "有多人匹配“{name}”，请选择要停用的人员：",
        "Several people match “{name}”; choose who to retire:",
    ),
    "deactivate.preview": (
        "确认停用 {name}（{unit}）？停用后其账号解除绑定，不再收到提醒。\n{tasks}",
        "Retire {name} ({unit})? Their account is unlinked and they get no more reminders.\n{tasks}",
    ),
    "deactivate.tasks": (
        "以下 {count} 项未销号任务需要调整责任人（/reassign 编号 姓名）：{numbers}",
        "These {count} open tasks need a new owner (/reassign NUMBER NAME): {numbers}",
    ),
    "deactivate.no_tasks": ("其名下没有未销号任务。", "They have no open tasks."),
    "deactivate.confirm": ("确认停用", "Retire"),
    "deactivate.done": (
        "已停用 {name}。{tasks}\n如需重新启用（例如换用了新的 Telegram 账号），用 /invite 发送新的邀请链接即可。",
        "{name} has been retired. {tasks}\nTo bring them back (e.g. on a new Telegram account), "
        "send a fresh link with /invite.",
    ),
    "remind.usage": (
        "用法：/remind 姓名、/remind 单位 或 /remind silent（本期未报送的全部人员）",
        "Usage: /remind NAME, /remind UNIT or /remind silent (everyone without a report this period)",
    ),
    "remind.pick": (
        "“{name}”匹配多个人员或单位，请选择：",
        "“{name}” matches several people or units; choose:",
    ),
    "remind.preview": (
        "⏰ 将立即提醒{label} <b>{count}</b> 人，涉及 {tasks} 项任务：{names}{unreachable}\n确认发送？",
        "⏰ This nudges{label} <b>{count}</b> people about {tasks} tasks now: {names}{unreachable}\nSend?",
    ),
    "remind.label": ("“{label}”", " “{label}”"),
    "remind.unreachable": (
        "\n另有 {count} 人未绑定或已屏蔽机器人，无法送达：{names}",
        "\n{count} more are not linked or blocked the bot and cannot be reached: {names}",
    ),
    "remind.nobody": (
        "没有可以送达的人员。{unreachable}",
        "There is nobody to nudge.{unreachable}",
    ),
    "remind.send": ("📨 发送提醒", "📨 Send"),
    "remind.sent": ("已将提醒加入发送队列：{count} 人。", "Nudges queued for {count} people."),
    "remind.header": (
        "⏰ <b>整改进展提醒</b>\n{name}，您好！整改办（{sender}）提醒您尽快报送以下任务的进展：",
        "⏰ <b>Progress reminder</b>\nHello {name}! The coordinators ({sender}) ask you to report on:",
    ),
    "remind.line": ("• <b>{number}</b> {measure}", "• <b>{number}</b> {measure}"),
    # Desk (issue 4): exports
    "export.caption": (
        "整改台账（含汇总表、人员表；可直接修改后重新发送导入）。",
        "The ledger (with summary and people sheets; edit and send it back to re-import).",
    ),
    "report.caption": (
        "{title}（Word 公文格式，依据台账和报送记录生成；文号、主送机关请补全，内容请审核修改）。",
        "{title} (Word, official-document layout, from the ledger and the reports; fill in the "
        "document number and addressee, and review the wording).",
    ),
    "report.usage": (
        "用法：/report（整改进展情况报告）或 /report final（整改情况报告）",
        "Usage: /report (progress report) or /report final (final report)",
    ),
    "dossier.usage": (
        "用法：/dossier 任务编号 或 /dossier 单位名称",
        "Usage: /dossier NUMBER or /dossier UNIT",
    ),
    "dossier.pick": (
        "有多个单位匹配“{name}”，请选择：",
        "Several units match “{name}”; choose one:",
    ),
    "dossier.caption": (
        "一事一档（第 {part}/{parts} 部分）",
        "Task dossier (part {part} of {parts})",
    ),
    # Notices (issue 5): the outline of a sent notice
    "notice.outline": (
        "📄 <b>已识别</b>：{problems} 个问题、{measures} 条整改措施。\n<b>按类别</b>\n{categories}\n"
        "<b>前几项</b>\n{first}{stats}{unplaced}",
        "📄 <b>Read</b>: {problems} problems, {measures} measures.\n<b>By category</b>\n"
        "{categories}\n<b>First items</b>\n{first}{stats}{unplaced}",
    ),
    "notice.item": ("{n}. {title}（{measures} 条措施）", "{n}. {title} ({measures} measures)"),
    "notice.stats": ("\n<b>统计</b>：{sentence}", "\n<b>Figures</b>: {sentence}"),
    "notice.unplaced": (
        "\n⚠️ 有 {count} 处未能识别，请核对：\n{lines}",
        "\n⚠️ {count} passages were not understood; please check:\n{lines}",
    ),
    "notice.unplaced_line": ("  第 {line} 行：{text}", "  line {line}: {text}"),
    "notice.nothing": (
        "未能从文件中识别出问题清单（{lines} 处无法识别）。请确认这是整改通报或反馈意见，"
        "或直接下载 /template 填写。",
        "No problem list could be read from the file ({lines} passages not understood). "
        "Check it is a notice, or fill in /template.",
    ),
    "notice.workbook": (
        "已按识别结果预填导入表（类别、问题、措施）。请补充责任单位、责任人、牵头领导、时限，"
        "并在“人员”表中列出相关人员，然后把文件发回给我导入。",
        "The import workbook pre-filled from the notice (categories, problems, measures). Add "
        "units, owners, lead leaders and deadlines, list the people in the 人员 sheet, then "
        "send it back to import.",
    ),
    "import.new_units": (
        "\n⚠️ 有 {count} 个单位在系统中尚不存在，将新建：{units}（如为笔误，请取消并修改后重新发送）",
        "\n⚠️ {count} units are new to the bot and will be created: {units} (if that is a typo, "
        "cancel, fix and send again)",
    ),
    "import.people_changed": (
        "\n⚠️ {count} 位已有人员的信息将被修改：\n{changes}",
        "\n⚠️ {count} people already in the bot will change:\n{changes}",
    ),
    # Accounts
    "start.welcome": (
        "您好，{name}！您的账号已绑定。\n发送 /mytasks 查看您的整改任务，直接发送文字即可报送进展。"
        "发送 /help 查看全部命令。",
        "Hello, {name}! Your account is linked.\nSend /mytasks to see your rectification "
        "tasks; just write a message to report progress. /help lists all commands.",
    ),
    "start.already": (
        "您好，{name}！您的账号已绑定。发送 /help 查看可用命令。",
        "Hello, {name}! Your account is already linked. Send /help for the commands.",
    ),
    "start.stranger": (
        "您好！本机器人仅供整改工作相关人员使用。请向整改办（协调员）索取您的专属邀请链接。\n"
        "您的 Telegram 编号：{user_id}（管理员设置 ADMIN_TELEGRAM_IDS 时使用）",
        "Hello! This bot is for the people working on the rectification. "
        "Please ask the coordinators for your personal invitation link.\n"
        "Your Telegram number: {user_id} (what an administrator puts in ADMIN_TELEGRAM_IDS)",
    ),
    "start.switch_confirm": (
        "⚠️ 您的账号目前绑定的是 <b>{current}</b>。打开这个邀请链接会把账号改为绑定 <b>{target}</b>，"
        "{current} 将不再能用此账号报送和查询。确认切换请点下方按钮；否则忽略本消息即可。",
        "⚠️ Your account is linked to <b>{current}</b>. This invite would link it to <b>{target}</b> "
        "instead, and {current} could no longer use this account. Tap the button to switch; "
        "otherwise ignore this message.",
    ),
    "start.switch_role_warning": (
        "注意：切换后您将失去 {current} 的协调员/领导/管理员权限。",
        "Note: after switching you lose {current}'s coordinator, leader or admin rights.",
    ),
    "group.added": (
        "已加入本群。本群编号：{chat_id}\n"
        "如需本群接收每周简报和月度通报，请管理员把此编号加入 DIGEST_GROUP_CHAT_IDS 并重启机器人。",
        "Joined this group. Its chat id: {chat_id}\n"
        "For the weekly digest and monthly bulletin here, an administrator adds this id to "
        "DIGEST_GROUP_CHAT_IDS and restarts the bot.",
    ),
    "group.added_listed": (
        "已加入本群（编号 {chat_id}），本群已在 DIGEST_GROUP_CHAT_IDS 中，将收到每周简报和月度通报。",
        "Joined this group (chat id {chat_id}); it is in DIGEST_GROUP_CHAT_IDS and will get the "
        "weekly digest and monthly bulletin.",
    ),
    "start.switch_button": ("确认切换为 {target}", "Switch to {target}"),
    "error.invite_invalid": (
        "邀请链接无效、已使用或已过期。请向协调员索取新的邀请链接。",
        "This invitation link is invalid, already used or expired. "
        "Please ask the coordinators for a new one.",
    ),
    "error.not_registered": (
        "抱歉，您尚未绑定账号。请通过协调员发给您的邀请链接开始使用。",
        "Sorry, your account is not linked yet. Please open the invitation link "
        "the coordinators sent you.",
    ),
    "error.permission_denied": (
        "抱歉，您没有权限使用此功能。",
        "Sorry, you are not allowed to do that.",
    ),
    "error.not_found": ("未找到该项目，或它不属于您。", "Not found, or not yours."),
    "error.no_open_tasks": (
        "您目前没有待整改的任务，本条消息未作为进展记录。",
        "You have no open tasks, so this message was not recorded as progress.",
    ),
    "error.edit_after_review": (
        "任务 {number} 当前状态为“{status}”，修改原消息不会改变已审核的进展（修改内容已留档）。"
        "如有补充，请发送新消息。",
        "Task {number} is {status}: editing the old message does not change what was reviewed "
        "(your edit is kept in the log). Send a new message to add to it.",
    ),
    "error.nothing_to_report": (
        "提醒中列出的任务本周都已报送（或已申请销号），无需再报“无新进展”。",
        "Every task the check-in listed has a report this week (or waits for sign-off); no "
        "“no change” report is needed.",
    ),
    "error.invalid_state": (
        "该任务当前状态（{status}）不允许此操作。",
        "The task's current state ({status}) does not allow this.",
    ),
    "error.ambiguous_campaign": (
        "请先选择整改轮次：发送 /campaign 选择（现有轮次：{listed}）。"
        "导入新轮次时，请在发送工作簿时把轮次名称写在文件说明中。",
        "Please choose the rectification round first with /campaign (open rounds: {listed}). "
        "To import a new round, write its name in the file's caption.",
    ),
    "error.person_unknown": ("未找到人员：{name}", "No such person: {name}"),
    "error.generic": (
        "抱歉，处理时出错，请稍后再试。",
        "Sorry, something went wrong. Please try again later.",
    ),
    "error.callback_invalid": (
        "该按钮已失效，请重新操作。",
        "This button is no longer valid; please start again.",
    ),
    "error.group_private": (
        "为保护个人信息，请在与机器人的私聊中使用此命令。",
        "To protect personal information, please use this command in a private chat with me.",
    ),
    "error.unsupported_content": (
        "请用文字报送进展，佐证材料请以照片或文件形式发送。",
        "Please report progress as text, and send evidence as photos or files.",
    ),
    "error.unknown_command": (
        "未知命令。发送 /help 查看可用命令。",
        "Unknown command. Send /help for the commands.",
    ),
    # Help and menus
    "help.header": ("<b>可用命令</b>", "<b>Commands</b>"),
    "help.footer": (
        "直接发送文字即报送进展；回复机器人关于某项任务的消息即报送该任务。发送照片或文件作为佐证材料。",
        "Write a message to report progress; reply to a message about a task to report on "
        "that task. Send photos or files as evidence.",
    ),
    "cmd.start": ("开始使用", "Start"),
    "cmd.help": ("查看帮助", "Help"),
    "cmd.mytasks": ("我的任务", "My tasks"),
    "cmd.board": ("整改总体进度", "Overall board"),
    "cmd.milestone": ("整改方案、报告的时限与报送", "Plan and report due dates"),
    "cmd.template": ("下载导入模板", "Import template"),
    "cmd.invite": ("生成某人的邀请链接", "Invite link for a person"),
    "cmd.invites": ("导出全部待用邀请链接", "All pending invite links"),
    "desk.template": (
        "整改任务导入模板（含示例行，请删除示例后填写）。",
        "The import template (with an example row; delete it before filling in).",
    ),
    "desk.invite": (
        "{name}（{unit}）的专属邀请链接，{expires} 前有效，仅可使用一次（此前的链接已作废）：\n{link}",
        "Invite link for {name} ({unit}), valid until {expires}, single use (earlier links are revoked):\n{link}",
    ),
    "desk.invite_usage": (
        "用法：/invite 姓名（可输入部分姓名）",
        "Usage: /invite NAME (part of the name is enough)",
    ),
    "desk.invite_pick": (
        "有多人匹配“{name}”，请选择：",
        "Several people match “{name}”; choose one:",
    ),
    "desk.invites": (
        "共 {count} 人尚未绑定，已生成新的邀请链接（此前的链接已作废）。",
        "{count} people are not linked yet; fresh links are in the workbook (earlier links are revoked).",
    ),
    "desk.invites_none": ("所有人员均已绑定，无需邀请。", "Everyone is linked; no invites needed."),
    "cmd.language": ("切换语言 / Language", "Language / 切换语言"),
    # Tasks
    "tasks.none": ("您目前没有待整改的任务。", "You have no open tasks."),
    "tasks.header": ("<b>您的整改任务（{count}项）</b>", "<b>Your tasks ({count})</b>"),
    "tasks.item": (
        "{light} <b>{number}</b> {problem}\n措施：{measure}\n时限：{due} ｜ 状态：{status} ｜ 进度：{percent}%"
        "\n最近进展：{last}",
        "{light} <b>{number}</b> {problem}\nMeasure: {measure}\nDue: {due} | Status: {status} | "
        "Progress: {percent}%\nLast update: {last}",
    ),
    "tasks.focus": (
        "请<b>回复本消息</b>报送任务 <b>{number}</b> 的进展（可附照片或文件）：\n{measure}",
        "<b>Reply to this message</b> to report on task <b>{number}</b> "
        "(photos and files welcome):\n{measure}",
    ),
    "tasks.no_update": ("暂无", "none yet"),
    "tasks.long_term": ("长期推进", "long-term"),
    "status.open": ("未开始", "not started"),
    "status.in_progress": ("整改中", "in progress"),
    "status.pending_review": ("待审核销号", "awaiting sign-off"),
    "status.closed": ("已销号", "signed off"),
    "status.withdrawn": ("已撤回", "withdrawn"),
    "status.assigned": ("已归入其他任务", "filed under another task"),
    "status.unassigned": ("尚未选择任务", "not yet filed under a task"),
    "kind.immediate": ("立行立改", "immediate"),
    "kind.bounded": ("限期整改", "time-bound"),
    "kind.long_term": ("长期推进", "long-term"),
    # Reports
    "report.recorded": (
        "已记录任务 <b>{number}</b> 的进展{percent_part}。\n“{excerpt}”{evidence_part}",
        "Progress recorded on task <b>{number}</b>{percent_part}.\n“{excerpt}”{evidence_part}",
    ),
    "report.percent_part": ("，进度 {percent}%", ", {percent}% done"),
    "report.no_percent_part": (
        "（未识别到进度百分比，可点“更正进度”填写）",
        " (no percentage found; tap “Set %” to add one)",
    ),
    "report.evidence_part": ("\n佐证材料：{count} 个文件", "\nEvidence: {count} file(s)"),
    "report.done_hint": (
        "\n看起来该任务已完成。如需审核销号，请点击“申请销号”。",
        "\nIt looks done. Tap “Ask for sign-off” to send it for review.",
    ),
    "report.which_task": (
        "这条进展是关于哪项任务？请选择（也可以在消息开头写明序号，如“1.2 完成50%”）：",
        "Which task is this report about? Please choose (or start the message with the task's "
        "number, e.g. “1.2 50% done”):",
    ),
    "tasks.more_than_buttons": (
        "任务较多，按钮只列出前 {shown} 项；其余任务请在消息开头写明序号报送，如“1.2 完成50%”。",
        "Buttons cover the first {shown} tasks; report on the others by starting the message "
        "with the number, e.g. “1.2 50% done”.",
    ),
    "batch.header": (
        "📝 <b>请核对本次报送</b>（{count} 项将记录）：",
        "📝 <b>Please check this report</b> ({count} item(s) will be stored):",
    ),
    "batch.no_change_header": (
        "📝 <b>本周按计划推进，无新进展</b>\n将为以下 {count} 项各记录一条“无新进展”报送（进度不变）：",
        "📝 <b>On track, no change this week</b>\nA “no change” report (progress kept) will be "
        "stored for each of these {count} item(s):",
    ),
    "batch.item": (
        "{index}. <b>{number}</b> {title}\n    “{text}” → {what}",
        "{index}. <b>{number}</b> {title}\n    “{text}” → {what}",
    ),
    "batch.item_no_change_only": (
        "{index}. <b>{number}</b> {title} → {what}",
        "{index}. <b>{number}</b> {title} → {what}",
    ),
    "batch.what_percent": ("进度 {percent}%", "{percent}% done"),
    "batch.what_done": (
        "已完成（100%），确认后可申请销号",
        "done (100%); you can ask for sign-off after confirming",
    ),
    "batch.what_no_change": (
        "本周无新进展（保持 {percent}%）",
        "no change this week (stays at {percent}%)",
    ),
    "batch.what_text_only": (
        "记录进展，进度不变（{percent}%）",
        "stored as progress, percent unchanged ({percent}%)",
    ),
    "batch.rest": (
        "其余 {count} 项（{numbers}）→ {what}",
        "The other {count} ({numbers}) → {what}",
    ),
    "batch.rest_no_change": ("本周无新进展，进度不变", "no change this week, progress kept"),
    "batch.refused_header": ("以下内容不会记录：", "Not stored:"),
    "batch.refused": ("✖️ {label}：{reason}", "✖️ {label}: {reason}"),
    "batch.reason.not_reportable": (
        "未找到您可报送的该序号任务",
        "no task with this number that you report on",
    ),
    "batch.reason.ambiguous": (
        "该序号在多个整改轮次中都有，请用“第N项”或分别报送",
        "this number is in several rounds; use the list position or report separately",
    ),
    "batch.reason.no_position": ("提醒清单中没有这一项", "the check-in list has no such item"),
    "batch.reason.duplicate": ("与前面重复，已合并到前一条", "named twice; only the first is kept"),
    "batch.reason.closed": ("已销号", "already signed off"),
    "batch.reason.pending_review": ("正在等待审核销号", "waiting for sign-off"),
    "batch.reason.dropped": ("您已删除此项", "you left it out"),
    "batch.evidence": (
        "佐证材料：{count} 个文件（附于每一项）",
        "Evidence: {count} file(s) (attached to every item)",
    ),
    "batch.nothing": (
        "没有可以记录的项目。请用序号（如“1.2 完成50%”）或提醒中的位置（如“第1项 …”）分别写明。",
        "Nothing can be stored. Name each item by its number (e.g. “1.2 50% done”) or by its "
        "place in the check-in (e.g. “第1项 …”).",
    ),
    "batch.confirm": ("✅ 全部确认", "✅ Confirm all"),
    "batch.fix": ("✏️ 更正一项", "✏️ Fix one item"),
    "batch.cancel": ("✖️ 取消", "✖️ Cancel"),
    "batch.back": ("↩️ 返回", "↩️ Back"),
    "batch.pick_item": ("请选择要更正的一项：", "Which item do you want to fix?"),
    "batch.pick_value": (
        "{number}：请选择当前进度，或标为无新进展、删除此项：",
        "{number}: choose the current progress, or mark no change, or leave it out:",
    ),
    "batch.set_no_change": ("无新进展", "No change"),
    "batch.set_drop": ("🗑 删除此项", "🗑 Leave out"),
    "batch.stored": (
        "✅ 已记录 {count} 项进展：{numbers}",
        "✅ Stored {count} report(s): {numbers}",
    ),
    "batch.stored_skipped": (
        "未记录（提交后已调整或已申请销号）：{labels}",
        "Not stored (changed or sent for sign-off meanwhile): {labels}",
    ),
    "batch.done_hint": (
        "报告已完成的任务：{numbers}。整改到位的，可申请审核销号。",
        "Reported done: {numbers}. If the work is complete, ask for sign-off.",
    ),
    "batch.signoff_all": ("📨 申请销号（{count} 项）", "📨 Ask sign-off ({count})"),
    "batch.signoff_requested": (
        "📨 已申请审核销号：{numbers}。协调员审核后会通知您。",
        "📨 Sign-off requested for {numbers}. You will hear when the coordinators decide.",
    ),
    "batch.cancelled": ("已取消，本次报送未记录。", "Cancelled; nothing was stored."),
    "batch.replaces": (
        "（修改后的报送：确认后将替换原先记录的 {count} 条进展）",
        "(edited report: confirming replaces the {count} report(s) stored before)",
    ),
    "checkin.no_change_button": ("本周按计划推进，无新进展", "On track, no change this week"),
    "checkin.no_change_text": ("本周按计划推进，无新进展", "On track, no change this week"),
    "report.pick_percent": ("请选择当前进度：", "Choose the current progress:"),
    "report.withdrawn": (
        "已撤回该条进展（任务 <b>{number}</b>）。",
        "Report withdrawn (task <b>{number}</b>).",
    ),
    "report.withdrawn_unassigned": ("已撤回该条进展。", "Report withdrawn."),
    "report.file_not_saved": (
        "⚠️ 文字进展已记录，但文件“{name}”未能保存（下载中断或服务器存储出错）。请稍后重新发送这个文件。",
        "⚠️ The text was stored, but the file “{name}” could not be saved (the download broke off "
        "or the server's storage failed). Please send this file again later.",
    ),
    "report.file_too_big": (
        "文件“{name}”超过 {limit} MB，机器人无法下载保存，已记录文件编号。如需存档，请压缩后重新发送或线下提交。",
        "The file “{name}” is larger than {limit} MB, so the bot cannot download it; its id "
        "was recorded. Please compress it and send it again, or hand it in offline.",
    ),
    "report.signoff_requested": (
        "已提交任务 <b>{number}</b> 的销号申请，等待协调员审核。",
        "Sign-off requested for task <b>{number}</b>; the coordinators will review it.",
    ),
    "report.signoff_notice": (
        "📝 <b>销号申请</b>（{campaign}）\n{owner}（{unit}）申请对任务 <b>{number}</b> 销号：\n{measure}\n最近进展：{last}",
        "📝 <b>Sign-off request</b> ({campaign})\n{owner} ({unit}) asks to sign off task <b>{number}</b>:\n"
        "{measure}\nLast report: {last}",
    ),
    "report.percent_set": (
        "已将任务 <b>{number}</b> 的进度更正为 {percent}%。",
        "Task <b>{number}</b> progress set to {percent}%.",
    ),
    "button.set_percent": ("更正进度", "Set %"),
    "button.ask_signoff": ("申请销号", "Ask for sign-off"),
    "button.withdraw": ("撤回", "Withdraw"),
    # Language
    "language.choose": ("请选择语言：", "Choose a language:"),
    "language.set": ("已切换为中文。", "Language set to English."),
    # Board
    "board.title": ("<b>{campaign} 整改进度</b>", "<b>{campaign}: rectification board</b>"),
    "board.sentence": (
        "反馈的{problems_total}项问题已完成整改{problems_rectified}项，"
        "整改措施{tasks_total}条已完成{tasks_closed}条。",
        "Of the {problems_total} problems raised, {problems_rectified} are rectified; "
        "{tasks_closed} of {tasks_total} measures are completed.",
    ),
    "board.lights": (
        "🔴 {red}　🟡 {yellow}　🟢 {green}　逾期 {overdue} 条",
        "🔴 {red}  🟡 {yellow}  🟢 {green}  overdue: {overdue}",
    ),
    "board.by_status": ("<b>按状态</b>", "<b>By status</b>"),
    "board.by_kind": ("<b>按类型</b>（完成/总数）", "<b>By kind</b> (done/total)"),
    "board.by_unit": (
        "<b>按单位</b>（完成/总数，完成率，逾期）",
        "<b>By unit</b> (done/total, rate, overdue)",
    ),
    "board.unit_line": (
        "{unit}：{closed}/{total}，{rate}%，逾期 {overdue}　🔴{red} 🟡{yellow}",
        "{unit}: {closed}/{total}, {rate}%, overdue {overdue}  🔴{red} 🟡{yellow}",
    ),
    # The round's calendar (issue 14)
    "milestone.plan": ("整改方案", "rectification plan"),
    "milestone.report": ("整改情况报告", "rectification report"),
    "milestone.key.plan": ("方案", "plan"),
    "milestone.key.report": ("报告", "report"),
    "limit.d": ("{n}天", "{n} days"),
    "limit.wd": ("{n}个工作日", "{n} working days"),
    "limit.m": ("{n}个月", "{n} months"),
    "milestone.notice": (
        "📅 <b>{what}报送提醒</b>\n{campaign}：{what}应于 {due}（{weekday}）前报送，{left}。\n"
        "{basis}\n报送后请协调员发送 <code>/milestone {key} 已报送</code> 记录。",
        "📅 <b>{what} due</b>\n{campaign}: the {what} is due by {due} ({weekday}), {left}.\n"
        "{basis}\nOnce it is submitted, a coordinator records it with "
        "<code>/milestone {key} submitted</code>.",
    ),
    "milestone.left": ("还有 {days} 天", "{days} days left"),
    "milestone.today": ("今天到期", "due today"),
    "milestone.by_rule": (
        "依据：反馈日期 {feedback} 后{limit}内。",
        "Rule: within {limit} of the feedback on {feedback}.",
    ),
    "milestone.moved": (
        "{day} 为{off}，顺延至其后第一个工作日。",
        " {day} is a day off ({off}), so it moves to the next working day.",
    ),
    "milestone.weekend": ("休息日", "weekend"),
    "milestone.set_by_hand": ("时限由协调员设定。", "The date was set by a coordinator."),
    "milestone.missed_notice": (
        "⚠️ <b>{what}逾期未记录报送</b>\n{campaign}：{what}应于 {due} 前报送，尚未记录报送。\n"
        "如已报送，请发送 <code>/milestone {key} 已报送 {due}</code> 补记；"
        "如时限已调整，请发送 <code>/milestone {key} 新日期</code>。",
        "⚠️ <b>{what} not recorded as submitted</b>\n{campaign}: the {what} was due by {due} "
        "and is not recorded as submitted.\nIf it was, send "
        "<code>/milestone {key} submitted {due}</code>; if the date changed, send "
        "<code>/milestone {key} NEW-DATE</code>.",
    ),
    "milestone.title": ("<b>{campaign} 整改节点</b>", "<b>{campaign}: milestones</b>"),
    "milestone.source_line": (
        "类型：{source}；反馈日期：{feedback}",
        "Kind: {source}; feedback: {feedback}",
    ),
    "source.inspection": ("巡视巡察", "inspection"),
    "source.audit": ("审计", "audit"),
    "source.supervision": ("督查", "supervision"),
    "milestone.no_feedback": ("未设置", "not set"),
    "milestone.suffix_rule": ("（反馈后{limit}）", " (within {limit} of the feedback)"),
    "milestone.suffix_set": ("（协调员设定）", " (set by a coordinator)"),
    "milestone.immediate": (
        "⚡ 立行立改事项：应于 {due} 前完成",
        "⚡ Immediate items: to be fixed by {due}",
    ),
    "milestone.usage": (
        "协调员可发送：\n"
        "<code>/milestone 反馈 2026-11-20</code> 设置反馈日期\n"
        "<code>/milestone 类型 审计</code>（巡视、巡察、审计、督查）\n"
        "<code>/milestone 方案 2026-12-10</code> 另定时限（<code>自动</code> 恢复按规定计算）\n"
        "<code>/milestone 方案 已报送 [日期]</code> 记录报送（<code>撤销</code> 取消记录）\n"
        "“方案”可换成“报告”（整改情况报告）。",
        "Coordinators can send:\n"
        "<code>/milestone feedback 2026-11-20</code> set the feedback date\n"
        "<code>/milestone source audit</code> (inspection, audit, supervision)\n"
        "<code>/milestone plan 2026-12-10</code> set a date (<code>auto</code>: back to the rule)\n"
        "<code>/milestone plan submitted [date]</code> record the submission "
        "(<code>undo</code> removes it)\n"
        "Use <code>report</code> instead of <code>plan</code> for the rectification report.",
    ),
    "error.milestone_usage": (
        "无法识别该命令。发送 /milestone 可查看本轮整改节点和各项用法。",
        "That command cannot be read. Send /milestone to see the round's milestones and how "
        "to change them.",
    ),
    "error.milestone_date": (
        "“{word}”不是有效日期，请写成 2026-12-10 这样的格式。",
        "“{word}” is not a date; write it like 2026-12-10.",
    ),
    "error.milestone_far": (
        "日期“{word}”超出合理范围，请检查年份。",
        "The date “{word}” is out of range; check the year.",
    ),
    "error.milestone_future": (
        "报送日期 {word} 还没到，请写实际报送的日期（不写则为今天）。",
        "The submission date {word} is in the future; give the day it was submitted "
        "(none means today).",
    ),
    # The quarterly summary (季总结, issue 14)
    "quarterly.title": (
        "📑 <b>整改工作季度总结（{quarter}）</b>",
        "📑 <b>Quarterly summary ({quarter})</b>",
    ),
    "quarterly.first": (
        "这是本轮整改的第一份季度总结，无上季度数据可比。",
        "This is the round's first quarterly summary; there is no previous quarter to compare.",
    ),
    "quarterly.changes": (
        "本季度新完成整改措施{closed}条、问题{rectified}个；逾期措施由上季度末的{overdue_before}条变为{overdue_now}条。",
        "This quarter {closed} measures and {rectified} problems were completed; overdue "
        "measures went from {overdue_before} at the end of last quarter to {overdue_now}.",
    ),
    "quarterly.lights": (
        "🔴 {red}　🟡 {yellow}　🟢 {green}　逾期 {overdue} 条",
        "🔴 {red}  🟡 {yellow}  🟢 {green}  overdue {overdue}",
    ),
    "quarterly.units_header": (
        "<b>各单位完成率与按期率</b>（完成/总数，完成率，按期率，较上季度百分点）",
        "<b>Units: completion and punctuality</b> (done/total, completion, on time, change "
        "since last quarter in points)",
    ),
    "quarterly.unit_line": (
        "{rank}. {unit}：{closed}/{total}，{completion}%，按期 {on_time}%，{change}",
        "{rank}. {unit}: {closed}/{total}, {completion}%, on time {on_time}%, {change}",
    ),
    "quarterly.stalled_header": (
        "<b>停滞事项</b>（连续{weeks}周以上无新进展）：{count} 条",
        "<b>Stalled</b> (only “no change” for {weeks} weeks or more): {count}",
    ),
    "quarterly.escalated_header": (
        "<b>本季度约谈提醒事项</b>：{count} 条",
        "<b>Escalated this quarter</b>: {count}",
    ),
    "quarterly.item": (
        "<b>{number}</b> {who}：{measure}（进度{percent}%）",
        "<b>{number}</b> {who}: {measure} ({percent}%)",
    ),
    "quarterly.times": ("，提醒{times}次", ", {times} reminder(s)"),
    "quarterly.doc_title": (
        "关于{campaign}整改工作{quarter}情况的总结",
        "Summary of the {campaign} rectification, {quarter}",
    ),
    "quarterly.doc_caption": (
        "📎 {campaign} 季度总结（可打印的 Word 文档）",
        "📎 {campaign}: the quarterly summary as a printable Word document",
    ),
    "quarterly.note": (
        "各责任单位要对照本季度总结查找差距，对停滞和逾期事项逐项分析原因、明确措施和时限，"
        "确保整改任务按期完成、取得实效。",
        "Each unit is to review this summary, find the reasons for stalled and overdue items, "
        "and set measures and dates so the rectification is finished on time.",
    ),
    # 回头看 (issue 14)
    "lookback.question": (
        "🔁 <b>回头看</b>（{campaign}）\n以下措施已销号，请确认整改成效是否保持；如出现反弹，请选择“出现反弹”并说明原因：",
        "🔁 <b>Look-back</b> ({campaign})\nThese measures were signed off. Does each "
        "rectification still hold? If one slipped back, choose “Slipped” and say why:",
    ),
    "lookback.question_line": (
        "<b>{number}</b> {measure}（{closed} 销号）",
        "<b>{number}</b> {measure} (signed off {closed})",
    ),
    "lookback.held_button": ("✅ {number} 保持", "✅ {number} holds"),
    "lookback.slipped_button": ("⚠️ {number} 反弹", "⚠️ {number} slipped"),
    "lookback.ask_reason": (
        "请回复本消息，说明措施 <b>{number}</b> 出现反弹的情况和原因（将重新打开整改）：",
        "Reply to this message with how measure <b>{number}</b> slipped back and why (it will "
        "be reopened):",
    ),
    "lookback.done_held": (
        "✅ 已记录：措施 {number} 整改成效保持（{by}）。",
        "✅ Recorded: measure {number} still holds ({by}).",
    ),
    "lookback.done_slipped": (
        "⚠️ 已记录：措施 {number} 出现反弹，已重新打开整改。原因：{reason}",
        "⚠️ Recorded: measure {number} slipped back and is reopened. Reason: {reason}",
    ),
    "lookback.reopened_notice": (
        "⚠️ <b>回头看发现反弹</b>\n措施 <b>{number}</b>（{unit}，{owner}）：{measure}\n"
        "已重新打开整改。原因：{reason}（{by} 记录）",
        "⚠️ <b>Look-back: slipped back</b>\nMeasure <b>{number}</b> ({unit}, {owner}): "
        "{measure}\nReopened. Reason: {reason} (recorded by {by})",
    ),
    "lookback.started": (
        "🔁 已对“{campaign}”{scope}发起回头看：{checks} 项已销号措施，已发给各责任人确认。{pending}{not_closed}{unreachable}",
        "🔁 Look-back started on “{campaign}”{scope}: {checks} signed-off measures, sent to "
        "their officials.{pending}{not_closed}{unreachable}",
    ),
    "lookback.scope": ("（{scope}）", " ({scope})"),
    "lookback.already_pending": (
        "\n{count} 项已在回头看中、尚未答复，未重复发送。",
        "\n{count} are already being checked and were not sent again.",
    ),
    "lookback.not_closed": (
        "\n以下措施尚未销号，无需回头看：{numbers}",
        "\nNot signed off, so not checked: {numbers}",
    ),
    "lookback.unreachable": (
        "\n⚠️ 以下责任人无法接收消息，请协调员在 /lookback 中代为确认：{names}",
        "\n⚠️ These officials cannot be messaged; a coordinator answers for them in /lookback: "
        "{names}",
    ),
    "lookback.summary": (
        "🔁 <b>{campaign} 回头看</b>\n共 {total} 项：保持 {held} 项，反弹 {slipped} 项（已重新打开），待确认 {pending} 项。",
        "🔁 <b>{campaign}: look-back</b>\n{total} checks: {held} hold, {slipped} slipped "
        "(reopened), {pending} awaiting an answer.",
    ),
    "lookback.auto_state": (
        "自动回头看：{state}（销号满 {months} 个月后自动发起）",
        "Automatic look-back: {state} (started {months} months after sign-off)",
    ),
    "lookback.on": ("已开启", "on"),
    "lookback.off": ("未开启", "off"),
    "lookback.slipped_header": ("<b>出现反弹</b>", "<b>Slipped back</b>"),
    "lookback.pending_header": ("<b>待确认</b>", "<b>Awaiting an answer</b>"),
    "lookback.line": (
        "<b>{number}</b> {unit} {owner}：{measure}{note}",
        "<b>{number}</b> {unit} {owner}: {measure}{note}",
    ),
    "lookback.usage": (
        "协调员可发送：\n<code>/lookback 全部</code> 对本轮所有已销号措施发起回头看\n"
        "<code>/lookback 区发展改革委</code> 对一个单位\n<code>/lookback 1.1 2.3</code> 对指定措施\n"
        "<code>/lookback 自动 开</code>（或 关）销号满一定月数后自动发起",
        "Coordinators can send:\n<code>/lookback all</code> check every signed-off measure of "
        "the round\n<code>/lookback UNIT</code> one unit\n<code>/lookback 1.1 2.3</code> chosen "
        "measures\n<code>/lookback auto on</code> (or off) start automatically some months "
        "after sign-off",
    ),
    "lookback.auto_set": (
        "✅ “{campaign}”的自动回头看：{state}。",
        "✅ Automatic look-back for “{campaign}” is now {state}.",
    ),
    "error.lookback_usage": (
        "请说明对哪些措施回头看。发送 /lookback 查看用法。",
        "Say which measures to check. Send /lookback to see how.",
    ),
    "error.lookback_units": (
        "有多个单位匹配：{word}。请写全单位名称。",
        "Several units match: {word}. Please give the full name.",
    ),
    "error.lookback_auto": (
        "请写 <code>/lookback 自动 开</code> 或 <code>/lookback 自动 关</code>。",
        "Write <code>/lookback auto on</code> or <code>/lookback auto off</code>.",
    ),
    "error.lookback_reason": (
        "请写明出现反弹的原因。",
        "Please say why it slipped back.",
    ),
    "bulletin.lookback": (
        "🔁 回头看：本月核查已销号措施 {checked} 条，整改成效保持 {held} 条，出现反弹 {slipped} 条（已重新打开整改）；待确认 {pending} 条。",
        "🔁 Look-back: {checked} signed-off measures checked this month, {held} hold, "
        "{slipped} slipped back (reopened); {pending} awaiting an answer.",
    ),
    # Grading (评定, issue 14)
    "unit_head.supported": (
        "本单位配合的措施上周未报送进展的（请配合责任单位推进）：",
        "Measures your unit supports that had no report last week (please help the lead unit):",
    ),
    "unit_head.supported_line": (
        "• {number}（责任单位：{unit}）",
        "• {number} (lead unit: {unit})",
    ),
    "query.supported_header": (
        "<b>本单位配合的措施</b>（{count} 项，完成情况计入责任单位）",
        "<b>Measures your unit supports</b> ({count}; they count for their lead unit)",
    ),
    "query.supported": (
        "另配合 {numbers}（完成情况计入责任单位）",
        "Also supports {numbers} (counted for their lead unit)",
    ),
    "query.supporting": ("配合单位：{units}", "Supporting units: {units}"),
    "ledger.grade": ("评定", "Grade"),
    "grade.title": ("<b>{campaign} 整改评定</b>", "<b>{campaign}: grades</b>"),
    "grade.rule": (
        "评定规则：A 级——{a}；B 级——{b}；其余为 C 级（C 级单位由牵头领导对单位负责人履责约谈）。",
        "Rule: A when {a}; B when {b}; otherwise C (the lead leader summons a C unit's head).",
    ),
    "grade.op.ge": ("≥", " ≥ "),
    "grade.op.le": ("≤", " ≤ "),
    "grade.input.completion": ("完成率", "completion"),
    "grade.input.on_time": ("按期率", "on time"),
    "grade.input.reopened": ("回头看反弹", "slipped back"),
    "grade.input.escalated": ("约谈提醒", "escalations"),
    "grade.input.milestones_missed": ("节点逾期", "milestones missed"),
    "grade.milestones": (
        "本轮整改方案、报告逾期或未报送 {count} 项（计入每个单位）。",
        "The round's plan and report: {count} missed or late (counted for every unit).",
    ),
    "grade.line": (
        "{unit}：完成率 {completion}%（{closed}/{total}），按期率 {on_time}%，反弹 {reopened}，约谈提醒 {escalated} → 建议 <b>{proposed}</b>{decided}",
        "{unit}: completion {completion}% ({closed}/{total}), on time {on_time}%, slipped "
        "{reopened}, escalations {escalated} → proposed <b>{proposed}</b>{decided}",
    ),
    "grade.decided": ("；已定 <b>{grade}</b>{reason}", "; decided <b>{grade}</b>{reason}"),
    "grade.reason": ("（{reason}）", " ({reason})"),
    "grade.usage": (
        "协调员可按建议确定，或发送 <code>/grade 单位 等级 理由</code> 另定（与建议不同须写理由），"
        "如 <code>/grade 区发展改革委 B 三项措施逾期</code>。",
        "Coordinators confirm the proposals, or send <code>/grade UNIT GRADE REASON</code> "
        "(a reason is needed to differ), e.g. <code>/grade 区发展改革委 B three measures late</code>.",
    ),
    "grade.confirm_button": (
        "✅ 按建议确定（{count} 个单位）",
        "✅ Confirm the proposals ({count} units)",
    ),
    "grade.confirmed": (
        "✅ 已按建议确定 {count} 个单位的评定。",
        "✅ Grades confirmed for {count} units.",
    ),
    "grade.saved": ("✅ {unit} 评定为 {grade}。", "✅ {unit} graded {grade}."),
    "grade.summoned": (
        "\n⚖️ 已向牵头领导发送履责约谈提醒：{units}",
        "\n⚖️ Summons reminder sent to the lead leader about: {units}",
    ),
    "grade.summons": (
        "⚖️ <b>履责约谈提醒</b>\n{campaign}：{unit} 整改评定为 C 级（完成率 {completion}%，按期率 {on_time}%；{reason}）。\n"
        "请约谈该单位负责人 {heads}，督促落实整改主体责任。",
        "⚖️ <b>Summons (履责约谈)</b>\n{campaign}: {unit} was graded C (completion "
        "{completion}%, on time {on_time}%; {reason}).\nPlease summon the unit's head, {heads}.",
    ),
    "grade.no_head": ("（未登记单位负责人）", "(no unit head on record)"),
    "grade.by_rule": ("按评定规则", "by the rule"),
    "error.grade_usage": (
        "请写 <code>/grade 单位 等级 理由</code>，如 <code>/grade 区发展改革委 B 三项措施逾期</code>。",
        "Write <code>/grade UNIT GRADE REASON</code>, e.g. <code>/grade 区发展改革委 B three "
        "measures late</code>.",
    ),
    "error.grade_reason": (
        "与建议等级（{word}）不同，请在等级后写明理由。",
        "That differs from the proposal ({word}); give the reason after the grade.",
    ),
    "error.grade_units": (
        "有多个单位匹配：{word}。请写全单位名称。",
        "Several units match: {word}. Please give the full name.",
    ),
    "cmd.grade": ("整改评定（A/B/C）", "Grade the units (A/B/C)"),
    "history.task.lookback_started": ("发起回头看", "Look-back started"),
    "history.task.lookback_held": ("回头看：整改成效保持", "Look-back: the rectification holds"),
    "history.task.reopened": (
        "回头看发现反弹，重新打开整改，原因：{reason}",
        "Look-back found it slipped back; reopened: {reason}",
    ),
    "cmd.lookback": ("回头看：复查已销号措施", "Look-back: re-check signed-off measures"),
    "milestone.saved": ("✅ 已记录。", "✅ Saved."),
    "milestone.heading": ("<b>整改节点</b>", "<b>Milestones</b>"),
    "milestone.line.upcoming": (
        "📅 {what}：{due} 到期（还有 {days} 天）",
        "📅 {what}: due {due} ({days} days left)",
    ),
    "milestone.line.due_today": ("📅 {what}：今天（{due}）到期", "📅 {what}: due today ({due})"),
    "milestone.line.missed": (
        "⚠️ {what}：{due} 到期，逾期 {days} 天未报送",
        "⚠️ {what}: was due {due}, not submitted ({days} days late)",
    ),
    "milestone.line.submitted": (
        "✅ {what}：已于 {on} 报送",
        "✅ {what}: submitted on {on}",
    ),
    "milestone.line.submitted_late": (
        "✅ {what}：已于 {on} 报送（逾期 {late} 天）",
        "✅ {what}: submitted on {on} ({late} days late)",
    ),
    "milestone.line.unknown": (
        "{what}：未设反馈日期，无法计算时限",
        "{what}: no feedback date, so no due date",
    ),
    "board.empty": ("当前没有整改任务。", "There are no tasks yet."),
    # The rhythm
    "checkin.header": (
        "📋 <b>每周整改进展报送（{period}）</b>\n{name}，您好！以下任务本周尚未报送进展。"
        "可一条消息报送多项，如“1.2 完成50%；第3项 无新进展”；全部按计划推进请点下方按钮：",
        "📋 <b>Weekly progress check-in ({period})</b>\nHello {name}! These tasks have no "
        "report this week yet. One message may cover several, e.g. “1.2 50% done; 第3项 no "
        "change”; if all are on track, tap the button below:",
    ),
    "nudge.header": (
        "⏰ <b>提醒：本周进展尚未报送（{period}）</b>\n{name}，以下任务今天下班前请报送进展：",
        "⏰ <b>Reminder: no report yet this week ({period})</b>\n{name}, please report on "
        "these tasks before the end of today:",
    ),
    "checkin.line": (
        "<b>{number}</b> {measure}（{due}，{percent}%）",
        "<b>{number}</b> {measure} (due {due}, {percent}%)",
    ),
    "checkin.problem": ("📌 {problem}", "📌 {problem}"),
    "unit_head.header": (
        "📣 <b>上周未报送整改进展的人员（{unit}）</b>",
        "📣 <b>Did not report last week ({unit})</b>",
    ),
    "unit_head.line": ("• {person}：任务 {numbers}", "• {person}: tasks {numbers}"),
    "due7.header": (
        "📅 <b>整改时限提醒</b>\n以下任务将于 {due} 到期（还有 7 天左右），请抓紧推进：",
        "📅 <b>Deadline reminder</b>\nThese tasks are due on {due} (about a week left):",
    ),
    "due1.header": (
        "⚠️ <b>整改时限提醒</b>\n以下任务明天（{due}）到期，请尽快完成并申请销号：",
        "⚠️ <b>Deadline tomorrow</b>\nThese tasks are due on {due}; please finish and ask for sign-off:",
    ),
    "overdue.header": (
        "🔴 <b>逾期提醒</b>\n以下任务已超过整改时限（{due}）仍未完成：",
        "🔴 <b>Overdue</b>\nThese tasks passed their deadline ({due}) and are not done:",
    ),
    "overdue.line": (
        "• <b>{number}</b> {measure}（{unit}，责任人：{owner}，进度 {percent}%）",
        "• <b>{number}</b> {measure} ({unit}, owner: {owner}, {percent}%)",
    ),
    "signoff_pending.header": (
        "📝 <b>待审核销号提醒</b>\n以下任务提交销号申请已超过 {days} 个工作日，请及时审核：",
        "📝 <b>Sign-offs waiting</b>\nThese tasks have waited more than {days} working days for review:",
    ),
    "signoff_pending.line": (
        "• <b>{number}</b> {measure}（{unit}，{owner}，{since} 提交）",
        "• <b>{number}</b> {measure} ({unit}, {owner}, asked {since})",
    ),
    "digest.title": (
        "📊 <b>整改工作周报（{period}）</b>\n<b>{campaign}</b>",
        "📊 <b>Weekly digest ({period})</b>\n<b>{campaign}</b>",
    ),
    "digest.changes": (
        "已完成措施 {closed}，逾期 {overdue}\n🔴 {red}　🟡 {yellow}　🟢 {green}",
        "Measures completed: {closed}; overdue: {overdue}\n🔴 {red}  🟡 {yellow}  🟢 {green}",
    ),
    "digest.kinds": (
        "上周报送：实质进展 {progress} 项，“按计划推进、无新进展” {no_change} 项",
        "Last week's reports: real progress on {progress}, “on track, no change” on {no_change}",
    ),
    "digest.stalled_header": (
        "⏸ 连续 {weeks} 周仅报“无新进展”的措施（{count} 条）：",
        "⏸ Measures with only “no change” for {weeks} weeks in a row ({count}):",
    ),
    "digest.red_header": ("<b>红灯事项（{count}）</b>", "<b>Red items ({count})</b>"),
    "digest.why_overdue": ("逾期{days}天", "{days} days overdue"),
    "digest.why_silent": ("两周未报送", "no report for two weeks"),
    "digest.more": ("……另有 {count} 项", "… and {count} more"),
    "digest.more_people": (
        "……另有 {count} 人，请用 /silent 查看完整名单",
        "… and {count} more: /silent lists them all",
    ),
    "digest.silent_header": (
        "<b>上周未报送（{count}人）</b>",
        "<b>Did not report last week ({count})</b>",
    ),
    "digest.silent_unit": (
        "{unit}：{count} 项任务未报送",
        "{unit}: {count} tasks without a report",
    ),
    "digest.all_reported": ("全部按时报送。", "Everyone reported."),
    "digest.chart_title": ("各单位整改进度", "Progress by unit"),
    "bulletin.title": (
        "📑 <b>整改工作月度通报（{month}）</b>\n<b>{campaign}</b>",
        "📑 <b>Monthly bulletin ({month})</b>\n<b>{campaign}</b>",
    ),
    "bulletin.changes": (
        "本月新增完成措施 {closed} 条；逾期事项由 {overdue_before} 条变为 {overdue_now} 条。",
        "This month {closed} more measures were completed; overdue items went from "
        "{overdue_before} to {overdue_now}.",
    ),
    "bulletin.ranking_header": (
        "<b>各单位排名</b>（完成/总数，完成率，按期率，逾期，较上月）",
        "<b>Ranking</b> (done/total, completion, on time, overdue, change)",
    ),
    "bulletin.rank_line": (
        "{rank}. {unit}：{closed}/{total}，{completion}%，按期 {on_time}%，逾期 {overdue}，{change}",
        "{rank}. {unit}: {closed}/{total}, {completion}%, on time {on_time}%, overdue {overdue}, {change}",
    ),
    "bulletin.overdue_header": (
        "<b>逾期未完成事项（{count}）</b>",
        "<b>Overdue items ({count})</b>",
    ),
    "bulletin.red_listed": (
        "本月周报共列出红灯事项 {count} 项，其中 {open} 项尚未销号（详见通报附件）。",
        "This month's digests listed {count} red item(s); {open} not yet signed off (see the "
        "attached bulletin).",
    ),
    "bulletin.red_line": (
        "{index}. 【{number}】{measure}（责任单位：{unit}，责任人：{owner}；本月{weeks}次周报列为红灯，"
        "现状：{state}）",
        "{index}. [{number}] {measure} ({unit}, {owner}; red in {weeks} digest(s) this month; "
        "now: {state})",
    ),
    "bulletin.rank_rule": (
        "（按销号率排序，其次逾期条数少者在前，再次按期完成率；三项均相同者并列）",
        "(by completion, then fewer overdue, then punctuality; units equal on all three are tied)",
    ),
    "bulletin.tied": ("并列{rank}", "={rank}"),
    "bulletin.addressee": ("各责任单位：", "To every responsible unit:"),
    "bulletin.doc_number": ("〔{year}〕　号", "No. 〔{year}〕 ___"),
    "bulletin.doc_title": (
        "关于{campaign}整改工作进展情况的通报",
        "Bulletin on the rectification progress of {campaign}",
    ),
    "bulletin.issuer": ("整改工作领导小组办公室", "Rectification leading group office"),
    "bulletin.note": (
        "各责任单位要对照通报问题，逐项压实责任，对逾期事项限期完成整改，按要求报送整改进展。",
        "Every responsible unit must settle the overdue items and report progress as required.",
    ),
    "gave_up.notice": (
        "⚠️ 一条 {kind} 消息多次发送失败，已过时效，不再重试：{error}。请检查网络或联系管理员。",
        "⚠️ A {kind} message kept failing and is now too old to send: {error}. Please check the "
        "network or tell the administrator.",
    ),
    "run_failed.notice": (
        "⚠️ 定时任务 {kind}（{period}）执行出错，本次未发送；其他提醒照常。错误已写入日志，请联系管理员。",
        "⚠️ The scheduled {kind} ({period}) failed and was not sent; other reminders go on. "
        "The error is in the log; please tell the administrator.",
    ),
    "missed.notice": (
        "⚠️ <b>提醒未能按时发送</b>\n机器人停止运行期间，以下提醒已超过补发时限（24小时），未发送：\n{runs}",
        "⚠️ <b>Reminders missed</b>\nWhile the bot was down these reminders became too old to "
        "catch up (24 hours) and were not sent:\n{runs}",
    ),
    "unreachable.notice": (
        "🚫 <b>无法送达</b>\n{person}（{unit}）已屏蔽机器人或账号已注销，提醒无法送达。请通过其他方式联系，或发送新的邀请链接。",
        "🚫 <b>Cannot reach</b>\n{person} ({unit}) blocked the bot or deleted the account; reminders "
        "cannot be delivered. Please contact them another way or send a new invite.",
    ),
    "calendar_gap.notice": (
        "📆 <b>节假日数据缺失</b>\n工作日历中没有 {year} 年的法定节假日和调休安排，暂按周一至周五计算。请管理员补充节假日配置文件。",
        "📆 <b>Holiday data missing</b>\nThe working-day calendar has no {year} public holidays or "
        "swapped working days; Monday to Friday is assumed until an admin adds the override file.",
    ),
    # Escalation (约谈提醒)
    "escalation.header": (
        "⚠️ <b>约谈提醒（{period}）</b>\n{name}，您好！以下整改任务已连续 {periods} 个调度周期亮红灯"
        "（逾期或未按时报送进展），建议对责任人进行约谈提醒，督促其按时限整改到位：",
        "⚠️ <b>Escalation ({period})</b>\nDear {name}, the tasks below have been red (overdue or "
        "without progress reports) for {periods} check-in periods in a row. We recommend a formal "
        "talk with the officials responsible (约谈提醒) to have them rectified on time:",
    ),
    "escalation.line": (
        "• <b>{number}</b> {measure}\n　{unit}，责任人：{owner}；时限：{due}；{last}",
        "• <b>{number}</b> {measure}\n  {unit}, owner: {owner}; due {due}; {last}",
    ),
    "escalation.last_report": ("距上次报送 {days} 天", "last report {days} days ago"),
    "escalation.never_reported": (
        "分派 {days} 天来未报送",
        "no report in the {days} days since assignment",
    ),
    # Records: history, ledger, dossier
    "history.title": ("<b>任务 {number} 的处理记录</b>", "<b>History of task {number}</b>"),
    "history.line": ("{at} {actor}：{what}", "{at} {actor}: {what}"),
    "history.actor.system": ("系统", "system"),
    "history.actor.rhythm": ("系统（定时提醒）", "system (scheduled reminders)"),
    "history.actor.cli": ("系统管理员（命令行）", "operator (command line)"),
    "history.task.created": ("任务建立（导入整改任务清单）", "Task created (task list imported)"),
    "history.report": (
        "报送进展 #{n}{percent}：“{excerpt}”{withdrawn}",
        "Progress report #{n}{percent}: “{excerpt}”{withdrawn}",
    ),
    "history.percent": ("（进度 {percent}%）", " ({percent}%)"),
    "history.no_change_mark": ("（无新进展）", " (no change)"),
    "history.withdrawn_mark": ("（已撤回）", " (withdrawn)"),
    "history.evidence": (
        "提交佐证材料“{name}”（{size}）{stored}",
        "Sent evidence “{name}” ({size}){stored}",
    ),
    "history.not_stored": ("，文件未存档", ", file not stored"),
    "history.report.edited": ("修改进展 #{n}", "Edited report #{n}"),
    "history.report.edited_text": (
        "修改进展 #{n}：原为“{old}”，现为“{new}”",
        "Edited report #{n}: was “{old}”, now “{new}”",
    ),
    "history.report.edit_refused": (
        "任务已申请销号或已销号，对进展 #{n} 的修改未生效（已留档）：“{new}”",
        "An edit of report #{n} after the sign-off request was not applied (kept): “{new}”",
    ),
    "history.report.assigned": ("将进展 #{n} 归入本任务", "Filed report #{n} under this task"),
    "history.report.percent_corrected": (
        "将进展 #{n} 的进度更正为 {percent}%",
        "Corrected report #{n} to {percent}%",
    ),
    "history.report.withdrawn": ("撤回进展 #{n}", "Withdrew report #{n}"),
    "history.task.signoff_requested": ("申请销号", "Asked for sign-off"),
    "history.task.escalated": (
        "连续 {periods} 个调度周期亮红灯，已发约谈提醒（{period}）",
        "Red for {periods} check-in periods; escalation sent ({period})",
    ),
    "history.task.signed_off": ("审核通过，予以销号", "Signed off"),
    "history.task.sent_back": ("退回重新整改，理由：{reason}", "Sent back: {reason}"),
    "history.task.reassigned": ("责任人由 {from} 调整为 {to}", "Reassigned from {from} to {to}"),
    "history.extension.requested": (
        "申请延期至 {requested_due}，理由：{reason}",
        "Asked to extend the deadline to {requested_due}: {reason}",
    ),
    "history.extension.approved": (
        "同意延期，整改时限调整为 {new_due}",
        "Extension approved; new deadline {new_due}",
    ),
    "history.extension.refused": ("不同意延期，理由：{note}", "Extension refused: {note}"),
    "history.task.replanned": (
        "按导入的工作簿调整计划：{changes}",
        "Plan changed by an import: {changes}",
    ),
    "history.person.retired": ("停用", "Retired"),
    "status.closed_campaign": ("该整改轮次已关闭", "that round is closed"),
    "history.other": ("{action}{data}", "{action}{data}"),
    "record.campaign": ("整改轮次", "Round"),
    "record.number": ("序号", "Number"),
    "record.category": ("问题类别", "Category"),
    "record.problem": ("问题", "Problem"),
    "record.measure": ("整改措施", "Measure"),
    "record.unit": ("责任单位", "Unit"),
    "record.owner": ("责任人", "Owner"),
    "record.lead": ("牵头领导", "Lead leader"),
    "record.kind": ("整改类型", "Kind"),
    "record.due": ("整改时限", "Deadline"),
    "record.status": ("状态", "Status"),
    "record.percent": ("进度", "Progress"),
    "record.light": ("红黄绿灯", "Light"),
    "record.last_report": ("最近进展", "Last report"),
    "record.last_report_at": ("最近报送时间", "Last report at"),
    "record.closed_on": ("销号日期", "Signed off on"),
    "light.red": ("红灯", "red"),
    "light.yellow": ("黄灯", "yellow"),
    "light.green": ("绿灯", "green"),
    "ledger.summary_title": ("{campaign} 整改台账汇总", "{campaign}: ledger summary"),
    "ledger.generated": ("生成时间：{at}", "Generated: {at}"),
    "ledger.figure": ("指标", "Figure"),
    "ledger.value": ("数值", "Value"),
    "ledger.problems_total": ("反馈问题（项）", "Problems raised"),
    "ledger.problems_rectified": ("已完成整改的问题（项）", "Problems rectified"),
    "ledger.tasks_total": ("整改措施（条）", "Measures"),
    "ledger.tasks_closed": ("已销号措施（条）", "Measures signed off"),
    "ledger.rate": ("完成率", "Completion"),
    "ledger.overdue": ("逾期", "Overdue"),
    "ledger.by_status": ("按状态", "By status"),
    "ledger.by_kind": ("按类型", "By kind"),
    "ledger.by_unit": ("按责任单位", "By unit"),
    "ledger.total": ("措施数", "Measures"),
    "ledger.closed": ("已销号", "Signed off"),
    "dossier.title": ("一事一档：任务 {number}", "Task dossier: {number}"),
    "dossier.reports": ("进展报送", "Progress reports"),
    "dossier.no_reports": ("暂无进展报送。", "No progress reports yet."),
    "dossier.report_head": (
        "#{n}　{at}　{author}{percent}{withdrawn}",
        "#{n}  {at}  {author}{percent}{withdrawn}",
    ),
    "dossier.evidence": ("佐证材料", "Evidence"),
    "dossier.no_evidence": ("暂无佐证材料。", "No evidence yet."),
    "dossier.file": ("文件名", "File"),
    "dossier.size": ("大小", "Size"),
    "dossier.sent": ("提交人、时间", "Sent by, at"),
    "dossier.where": ("存档位置", "Where to find it"),
    "dossier.in_part": ("第 {part} 卷：{path}", "part {part}: {path}"),
    "dossier.not_stored": (
        "未存档（机器人未保存该文件，如文件过大无法下载）",
        "not stored (the bot did not keep this file, e.g. too big to download)",
    ),
    "dossier.too_big": (
        "文件过大（超过 {limit} MB 的分卷上限），未收入压缩包，请另行调取",
        "too big (over the {limit} MB part limit): not in the archive, fetch it separately",
    ),
    "dossier.trail": ("处理记录", "Audit trail"),
    "dossier.zip_name": ("一事一档", "dossier"),
    "dossier.doc_name": ("整改档案", "history"),
    "dossier.generated": (
        "本档案由整改督办机器人于 {at} 生成。",
        "Generated by the rectification bot on {at}.",
    ),
    # Notice parser (issue 5)
    "error.notice_format": (
        "无法读取“{name}”：这是 {kind} 文件。请另存为 .docx、.txt 或带文字的 PDF 后重新发送。",
        "Cannot read “{name}”: it is a {kind} file. Please save it as .docx, .txt or a PDF with "
        "text and send it again.",
    ),
    "error.notice_scanned": (
        "“{name}”是扫描件，没有可读取的文字层。请发送 .docx 或 .txt 版本（或带文字的 PDF）。",
        "“{name}” is a scan without a text layer; please send it as .docx or .txt (or a PDF with "
        "text).",
    ),
    "error.notice_pdf_damaged": (
        "无法读取 PDF“{name}”：文件已损坏、需要密码，或超过 {pages} 页。请发送 .docx 或 .txt 版本。",
        "Cannot read the PDF “{name}”: it is damaged, password-protected or longer than {pages} "
        "pages. Please send it as .docx or .txt.",
    ),
    "error.notice_damaged": (
        "无法读取“{name}”：文件已损坏、已加密，或解压后过大（超过 {limit_mb} MB 或压缩比异常）。"
        "请用 Word 或 WPS 另存为 .docx 或 .txt 后重新发送。",
        "Cannot read “{name}”: the file is damaged, encrypted or inflates too much (over "
        "{limit_mb} MB or an abnormal compression ratio). Please save it as .docx or .txt in Word "
        "or WPS and send it again.",
    ),
}


def text(key: str, lang: str, /, **params: Any) -> str:
    """Render a catalogue entry in `lang`, escaping every parameter that is not Html."""
    template = CATALOGUE[key][lang == "en"]
    for name, value in params.items():  # a tick renders tens of thousands of lines: kept lean
        if not isinstance(value, Html | int):
            params[name] = (
                str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            )
    return template.format_map(params)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_input(value: str) -> str:
    """Drop control characters from what a user typed (PostgreSQL refuses NUL in text).

    Line breaks and tabs stay; SQLite and PostgreSQL then store the same text.
    """
    return _CONTROL.sub("", value)


def utf16_len(value: str) -> int:
    """Return the length Telegram counts: UTF-16 code units (an emoji like 🔴 counts 2)."""
    return len(value.encode("utf-16-le")) // 2


def split_message(body: str, limit: int = 4096) -> list[str]:
    """Split a long message at line breaks so each part fits Telegram's limit.

    Lengths are counted in UTF-16 code units, as Telegram counts them, on the raw HTML (a
    little more than the text Telegram measures, so a part never ends up too long).
    """
    if len(body) <= limit // 2 or utf16_len(body) <= limit:  # most messages: one part
        return [body] if body else []
    parts: list[str] = []
    current, size = "", 0
    for line in body.split("\n"):
        line_length = utf16_len(line)
        pieces = [(line, line_length)] if line_length <= limit else _hard_cut(line, limit)
        for piece, length in pieces:
            if current and size + 1 + length > limit:
                parts.append(current)
                current, size = "", 0
            current, size = (
                (f"{current}\n{piece}", size + 1 + length) if current else (piece, length)
            )
    if current:
        parts.append(current)
    return parts


def _hard_cut(line: str, limit: int) -> list[tuple[str, int]]:
    """Cut an overlong line into pieces of at most ``limit`` UTF-16 units (with their lengths)."""
    pieces: list[tuple[str, int]] = []
    start, size = 0, 0
    for i, ch in enumerate(line):  # whole code points: a surrogate pair is never cut in two
        width = 2 if ord(ch) > 0xFFFF else 1
        if size + width > limit:
            pieces.append((line[start:i], size))
            start, size = i, 0
        size += width
    pieces.append((line[start:], size))
    return pieces


def excerpt(value: str, limit: int = 200) -> str:
    """Shorten a user's text for an acknowledgement."""
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
