"""Every text the bot says, in Chinese (default) and English; HTML with escaped parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("zh", "en")


class Html(str):
    """A fragment that is already safe HTML and must not be escaped again."""

    __slots__ = ()


CATALOGUE: dict[str, dict[str, str]] = {
    # Desk (issue 4): import in the chat
    "import.preview": {
        "zh": "📥 <b>导入预览</b>：{file}\n整改轮次：{campaign}{new_campaign}\n"
        "共 {tasks} 条整改措施、{problems} 个问题：新增 {new} 条，变更 {changed} 条，"
        "无变化 {unchanged} 条；新增人员 {people} 人。{changed_list}{removed}\n\n"
        "<b>按责任单位</b>\n{units}\n<b>按类型</b>\n{kinds}\n<b>按牵头领导</b>\n{leads}\n\n"
        "确认前不会写入任何数据。",
        "en": "📥 <b>Import preview</b>: {file}\nRound: {campaign}{new_campaign}\n"
        "{tasks} measures under {problems} problems: {new} new, {changed} changed, "
        "{unchanged} unchanged; {people} new people.{changed_list}{removed}\n\n"
        "<b>By unit</b>\n{units}\n<b>By kind</b>\n{kinds}\n<b>By lead leader</b>\n{leads}\n\n"
        "Nothing is written before you confirm.",
    },
    "import.new_campaign": {"zh": "（新建）", "en": " (new)"},
    "import.changed_list": {"zh": "\n变更的编号：{numbers}", "en": "\nChanged numbers: {numbers}"},
    "import.removed": {
        "zh": "\n⚠️ 系统中有 {count} 条任务不在本文件中，将保留不删除：{numbers}",
        "en": "\n⚠️ {count} tasks in the bot are not in this file; they are kept, not deleted: {numbers}",
    },
    "import.round": {
        "zh": "\n轮次信息（确认后写入）：{items}",
        "en": "\nRound sheet (written on confirmation): {items}",
    },
    "import.round_source": {"zh": "类型 {value}", "en": "kind {value}"},
    "import.round_feedback": {"zh": "反馈日期 {value}", "en": "feedback {value}"},
    "import.round_plan": {"zh": "整改方案报送时限 {value}", "en": "plan due {value}"},
    "import.round_report": {"zh": "整改情况报告报送时限 {value}", "en": "report due {value}"},
    "import.immediate_late": {
        "zh": "\n⚠️ {count} 条立行立改措施的整改时限晚于反馈后一个月（{due}），请核实：{numbers}",
        "en": "\n⚠️ {count} immediate measure(s) are due later than a month after the feedback "
        "({due}); please check: {numbers}",
    },
    "import.count_line": {"zh": "  {name}：{count}", "en": "  {name}: {count}"},
    "import.more": {"zh": "等，共 {count} 项", "en": "… {count} in all"},
    "import.confirm": {"zh": "✅ 确认导入", "en": "✅ Confirm import"},
    "import.cancel": {"zh": "✖️ 取消", "en": "✖️ Cancel"},
    "import.done": {
        "zh": "✅ 已导入到“{campaign}”{new_campaign}：新增 {added} 条，更新 {updated} 条"
        "（已报送的进展均保留）；新增人员 {people} 人，共 {problems} 个问题。{removed}",
        "en": "✅ Imported into “{campaign}”{new_campaign}: {added} added, {updated} updated "
        "(progress already reported is kept); {people} new people, {problems} problems.{removed}",
    },
    "import.working": {
        "zh": "⏳ 正在导入，请稍候……（其他操作不受影响）",
        "en": "⏳ Importing, please wait… (everything else goes on meanwhile)",
    },
    "import.not_done": {
        "zh": "❌ 工作簿未导入，未写入任何数据；请按下一条消息处理后重新发送该工作簿。",
        "en": "❌ The workbook was not imported and nothing was written; see the next message, then "
        "send the workbook again.",
    },
    "import.cancelled": {
        "zh": "已取消导入，未写入任何数据。",
        "en": "Import cancelled; nothing was written.",
    },
    "import.rejected": {
        "zh": "❌ 工作簿未导入（未写入任何数据），共 {count} 处问题：\n{lines}",
        "en": "❌ The workbook was not imported (nothing was written); {count} problem(s):\n{lines}",
    },
    "import.errors_title": {"zh": "错误清单", "en": "Errors"},
    "import.errors_sheet": {"zh": "工作表", "en": "Sheet"},
    "import.errors_row": {"zh": "行", "en": "Row"},
    "import.errors_column": {"zh": "列", "en": "Column"},
    "import.errors_problem": {"zh": "问题", "en": "Problem"},
    "import.marked_file": {"zh": "{stem}-错误标注.xlsx", "en": "{stem}-errors-marked.xlsx"},
    "cli.workbook_errors": {"zh": "共 {count} 处问题：", "en": "{count} error(s):"},
    # The command line (bot/cli.py), in DEFAULT_LANGUAGE; plain text.
    "cli.rejected": {
        "zh": "rectibot：工作簿未导入（未写入任何数据）。\n{errors}",
        "en": "rectibot: the workbook was not imported (nothing was written).\n{errors}",
    },
    "cli.no_person": {
        "zh": "rectibot：没有唯一与“{name}”匹配的人员。{hint}",
        "en": "rectibot: no single person matches '{name}'.{hint}",
    },
    "cli.did_you_mean": {"zh": "您要找的是否是：{names}？", "en": " Did you mean: {names}?"},
    "cli.name_campaign": {
        "zh": "rectibot：请用 --campaign 名称 指明整改轮次（未关闭的轮次：{open}）。",
        "en": "rectibot: name the campaign with --campaign NAME (open: {open}).",
    },
    "cli.none_yet": {"zh": "尚无", "en": "none exists yet"},
    "cli.cannot_read": {
        "zh": "rectibot：无法读取 {file}：{reason}。",
        "en": "rectibot: cannot read {file}: {reason}.",
    },
    "cli.error": {"zh": "rectibot：{message}", "en": "rectibot: {message}"},
    "backup.database": {
        "zh": "数据库：{path}（结构版本 {schema}）",
        "en": "database: {path} (schema {schema})",
    },
    "backup.pg_dump": {
        "zh": "数据库：PostgreSQL 用 pg_dump 备份，请现在运行：{command}",
        "en": "database: PostgreSQL is backed up by pg_dump; run now: {command}",
    },
    "backup.evidence": {
        "zh": "佐证材料：{count} 个文件，位于 {path}",
        "en": "evidence: {count} file(s) in {path}",
    },
    "backup.replaced": {
        "zh": "被替换的数据库另存为：{path}",
        "en": "the database it replaces: {path}",
    },
    "backup.restored_database": {
        "zh": "数据库：{path}（结构版本 {schema}；机器人启动时自动升级）",
        "en": "database: {path} (schema {schema}; the bot upgrades it on start)",
    },
    "backup.moved": {
        "zh": "{count} 个佐证材料路径已改为指向 {path}",
        "en": "{count} evidence path(s) now point into {path}",
    },
    "cli.backup": {"zh": "备份已写入 {folder}", "en": "Backup written to {folder}"},
    "cli.restored": {"zh": "已从 {folder} 恢复", "en": "Restored from {folder}"},
    "cli.doctor_failed": {
        "zh": "rectibot：有 {count} 个问题使机器人无法运行。",
        "en": "rectibot: {count} problem(s) stop the bot.",
    },
    "cli.doctor_ready": {"zh": "rectibot：检查通过，可以运行。", "en": "rectibot: ready to run."},
    "cli.sent": {
        "zh": "rectibot：已发送 {messages} 条消息（{deliveries} 次投递），重试 {retried}，"
        "失败 {failed}，限流 {rate_limited}，无法送达 {unreachable}，群组迁移 {migrated}。",
        "en": "rectibot: sent {messages} messages ({deliveries} deliveries); {retried} retried, "
        "{failed} failed, {rate_limited} rate-limited, {unreachable} unreachable, {migrated} "
        "chats migrated.",
    },
    "cli.schema_ok": {
        "zh": "rectibot：数据库结构已是最新版本。",
        "en": "rectibot: the database schema is up to date.",
    },
    "cli.imported": {
        "zh": "已导入到“{campaign}”{new}：{problems} 个问题，新增任务 {added} 条，更新 {updated} 条；"
        "新增人员 {people} 人，更新 {people_updated} 人。",
        "en": "Imported into '{campaign}'{new}: {problems} problems, {added} tasks added, "
        "{updated} updated; {people} people added, {people_updated} updated.",
    },
    "cli.parsed": {
        "zh": "{problems} 个问题，{measures} 条措施",
        "en": "{problems} problems, {measures} measures",
    },
    "cli.not_understood": {
        "zh": "  未能识别，第 {line} 行：{text}",
        "en": "  not understood, line {line}: {text}",
    },
    "cli.prefilled": {
        "zh": "预填的导入工作簿已写入 {file}",
        "en": "Pre-filled workbook written to {file}",
    },
    "cli.template": {"zh": "导入模板已写入 {file}", "en": "Template written to {file}"},
    "cli.invite": {
        "zh": "{name}：{link}  （有效期至 {until}）",
        "en": "{name}: {link}  (valid until {until})",
    },
    "cli.invites": {
        "zh": "已将 {count} 个邀请链接写入 {file}（此前的链接已作废）。",
        "en": "{count} invite links written to {file} (earlier links are revoked).",
    },
    "cli.ledger": {
        "zh": "“{campaign}”的台账已写入 {file}",
        "en": "Ledger of '{campaign}' written to {file}",
    },
    "cli.report": {
        "zh": "报告已写入 {file}（请在 Word 中填写发文字号和主送机关）",
        "en": "Report written to {file} (fill in the document number and addressee in Word)",
    },
    "list.sep": {"zh": "、", "en": ", "},
    "cli.error_line": {"zh": "  {where}：{reason}", "en": "  {where}: {reason}"},
    "cli.where_row": {"zh": " 第 {row} 行", "en": " row {row}"},
    "import.error_line": {"zh": "• {where}：{reason}", "en": "• {where}: {reason}"},
    "import.where_sheet": {"zh": "“{sheet}”表", "en": "sheet “{sheet}”"},
    "import.where_file": {"zh": "文件", "en": "the file"},
    "import.where_row": {"zh": "第 {row} 行", "en": "row {row}"},
    "import.where_column": {"zh": "“{column}”列", "en": "column “{column}”"},
    "import.error_more": {
        "zh": "……另有 {count} 处，见附件中的“错误清单”。",
        "en": "… {count} more, see the “Errors” sheet of the attached file.",
    },
    "import.marked": {
        "zh": "已在附件中将出错的单元格标红并加了批注，修改后请重新发送。",
        "en": "The attached copy marks the bad cells in red with a note; fix them and send it again.",
    },
    "import.too_big": {
        "zh": "文件过大（{size} MB），机器人最多可接收 {limit} MB 的文件。请拆分后分批发送。",
        "en": "The file is too big ({size} MB); the bot can receive at most {limit} MB. "
        "Please split it and send the parts.",
    },
    "import.old_format": {
        "zh": "这是旧版 Excel (.xls) 或其他格式的文件。请用 Excel 或 WPS 另存为 .xlsx 后重新发送。",
        "en": "This is an old Excel (.xls) or other file. Please save it as .xlsx and send it again.",
    },
    "error.import_decided": {
        "zh": "这份导入预览已处理（{outcome}），如需导入请重新发送文件。",
        "en": "This import preview was already handled ({outcome}); send the file again to import.",
    },
    "outcome.confirmed": {"zh": "已确认导入", "en": "confirmed"},
    "outcome.cancelled": {"zh": "已取消", "en": "cancelled"},
    "outcome.expired": {"zh": "已过期，超过 24 小时", "en": "expired after 24 hours"},
    "outcome.approved": {"zh": "已同意", "en": "approved"},
    "outcome.refused": {"zh": "未同意", "en": "refused"},
    # Desk (issue 4): commands in menus and /help
    "cmd.extend": {"zh": "申请延期", "en": "Ask for a deadline extension"},
    "cmd.status": {"zh": "整改进度（可加单位名）", "en": "Status (optionally of a unit)"},
    "cmd.overdue": {"zh": "逾期任务", "en": "Overdue tasks"},
    "cmd.silent": {"zh": "本期未报送", "en": "No report this period"},
    "cmd.pending": {"zh": "待审核销号", "en": "Awaiting sign-off"},
    "cmd.person": {"zh": "查某人的任务", "en": "A person's tasks"},
    "cmd.task": {"zh": "查某项任务（编号）", "en": "One task (by number)"},
    "cmd.history": {"zh": "任务操作记录（编号）", "en": "A task's audit trail"},
    "cmd.campaign": {"zh": "切换整改轮次", "en": "Switch round"},
    "cmd.remind": {"zh": "立即提醒（人/单位/silent）", "en": "Nudge now (person/unit/silent)"},
    "cmd.reassign": {"zh": "调整责任人", "en": "Move a task to another person"},
    "cmd.deactivate": {"zh": "停用离岗人员", "en": "Retire a person who left"},
    "cmd.export": {"zh": "导出整改台账", "en": "Export the ledger"},
    "cmd.report": {"zh": "生成整改情况报告", "en": "Write the rectification report"},
    "cmd.dossier": {"zh": "导出一事一档", "en": "Export task dossiers"},
    # Desk (issue 4): campaigns and queries
    "campaign.list": {
        "zh": "<b>整改轮次</b>（当前：{current}）\n请选择：",
        "en": "<b>Rounds</b> (current: {current})\nChoose one:",
    },
    "campaign.none": {
        "zh": "还没有整改轮次。发送导入工作簿并在文件说明中写上轮次名称即可新建。",
        "en": "There is no round yet. Send an import workbook with the round's name as its caption.",
    },
    "campaign.switched": {"zh": "已切换到整改轮次：{name}", "en": "Now working on round: {name}"},
    "campaign.pick": {
        "zh": "有多个轮次匹配“{name}”，请选择：",
        "en": "Several rounds match “{name}”; choose one:",
    },
    "query.scope_unit": {"zh": "（范围：{unit}）", "en": " (scope: {unit})"},
    "query.scope_lead": {"zh": "（范围：您牵头的任务）", "en": " (scope: the tasks you lead)"},
    "query.scope_both": {
        "zh": "（范围：{unit}及您牵头的任务）",
        "en": " (scope: {unit} and the tasks you lead)",
    },
    "query.usage_task": {
        "zh": "用法：/task 编号，如 /task 1.2",
        "en": "Usage: /task NUMBER, e.g. /task 1.2",
    },
    "query.usage_history": {
        "zh": "用法：/history 编号，如 /history 1.2",
        "en": "Usage: /history NUMBER, e.g. /history 1.2",
    },
    "query.usage_person": {
        "zh": "用法：/person 姓名（可输入部分姓名）",
        "en": "Usage: /person NAME (part of it is enough)",
    },
    "query.no_unit": {
        "zh": "在您的范围内未找到单位“{name}”。",
        "en": "No unit “{name}” within your scope.",
    },
    "query.no_person": {
        "zh": "在您的范围内未找到责任人“{name}”。",
        "en": "No official “{name}” within your scope.",
    },
    "query.pick_unit": {
        "zh": "有多个单位匹配“{name}”，请选择：",
        "en": "Several units match “{name}”; choose one:",
    },
    "query.pick_person": {
        "zh": "有多人匹配“{name}”，请选择：",
        "en": "Several people match “{name}”; choose one:",
    },
    "query.no_task": {
        "zh": "未找到编号为“{number}”的任务（或不在您的范围内）。",
        "en": "No task “{number}” (or not within your scope).",
    },
    "query.title.overdue": {"zh": "<b>逾期未销号任务</b>", "en": "<b>Overdue tasks</b>"},
    "query.title.silent": {
        "zh": "<b>本期未报送进展的任务</b>",
        "en": "<b>Tasks with no report this period</b>",
    },
    "query.title.pending": {"zh": "<b>待审核销号任务</b>", "en": "<b>Tasks awaiting sign-off</b>"},
    "query.title.unit": {"zh": "<b>{subject} 的整改任务</b>", "en": "<b>Tasks of {subject}</b>"},
    "query.title.person": {
        "zh": "<b>{subject} 负责的整改任务</b>",
        "en": "<b>Tasks owned by {subject}</b>",
    },
    "query.header": {
        "zh": "{title}{scope}\n{campaign} · 共 {total} 项 · 第 {page}/{pages} 页",
        "en": "{title}{scope}\n{campaign} · {total} in all · page {page}/{pages}",
    },
    "query.empty": {
        "zh": "{title}{scope}\n{campaign}：无。",
        "en": "{title}{scope}\n{campaign}: none.",
    },
    "query.item": {
        "zh": "{light} <b>{number}</b> {unit}·{owner}\n    {measure}\n    {status} {percent}% · 时限 {due} · 最近报送 {last}",
        "en": "{light} <b>{number}</b> {unit} · {owner}\n    {measure}\n    {status} {percent}% · due {due} · last report {last}",
    },
    "query.prev": {"zh": "◀️ 上一页", "en": "◀️ Previous"},
    "query.next": {"zh": "下一页 ▶️", "en": "Next ▶️"},
    "query.never": {"zh": "从未", "en": "never"},
    "query.task": {
        "zh": "📌 <b>任务 {number}</b>（{campaign}）{light}\n"
        "<b>问题</b>：{problem}\n<b>措施</b>：{measure}\n"
        "<b>责任单位</b>：{unit}　<b>责任人</b>：{owner}　<b>牵头领导</b>：{lead}\n"
        "<b>类型</b>：{kind}　<b>时限</b>：{due}\n<b>状态</b>：{status}　<b>进度</b>：{percent}%",
        "en": "📌 <b>Task {number}</b> ({campaign}) {light}\n"
        "<b>Problem</b>: {problem}\n<b>Measure</b>: {measure}\n"
        "<b>Unit</b>: {unit}  <b>Owner</b>: {owner}  <b>Lead</b>: {lead}\n"
        "<b>Kind</b>: {kind}  <b>Due</b>: {due}\n<b>Status</b>: {status}  <b>Progress</b>: {percent}%",
    },
    "query.reports": {
        "zh": "<b>进展报送</b>（最近 {shown} 条，共 {count} 条）",
        "en": "<b>Reports</b> (latest {shown} of {count})",
    },
    "query.no_reports": {"zh": "<b>进展报送</b>：暂无", "en": "<b>Reports</b>: none yet"},
    "query.report": {
        "zh": "• {when} {author}：{text}{percent}{files}",
        "en": "• {when} {author}: {text}{percent}{files}",
    },
    "query.files": {"zh": " 📎{count}", "en": " 📎{count}"},
    "query.evidence": {
        "zh": "<b>佐证材料</b>：{count} 份{names}",
        "en": "<b>Evidence</b>: {count} file(s){names}",
    },
    "query.more": {
        "zh": "发送 /history {number} 查看完整操作记录。",
        "en": "Send /history {number} for the full audit trail.",
    },
    # Desk (issue 4): review and sign-off
    "review.sign_off": {"zh": "✅ 同意销号", "en": "✅ Sign off"},
    "review.send_back": {"zh": "↩️ 退回", "en": "↩️ Send back"},
    "review.evidence": {
        "zh": "佐证材料 {count} 份：{names}（最新一份附后）",
        "en": "{count} evidence file(s): {names} (the newest follows)",
    },
    "review.signed_off": {
        "zh": "✅ 您的任务 <b>{number}</b> 已审核通过并销号：{measure}",
        "en": "✅ Your task <b>{number}</b> has been reviewed and signed off: {measure}",
    },
    "review.sent_back": {
        "zh": "↩️ 您的任务 <b>{number}</b> 的销号申请被退回，任务恢复为整改中。\n退回原因：{reason}\n"
        "请继续整改并报送进展。",
        "en": "↩️ The sign-off request for your task <b>{number}</b> was sent back; the task is in "
        "progress again.\nReason: {reason}\nPlease continue and keep reporting.",
    },
    "review.done_signed": {
        "zh": "✅ 已对任务 <b>{number}</b> 销号（{reviewer}）。",
        "en": "✅ Task <b>{number}</b> signed off ({reviewer}).",
    },
    "review.problem_rectified": {
        "zh": "该问题的全部整改措施均已销号，问题整改完成：{problem}",
        "en": "All measures of this problem are signed off; the problem is rectified: {problem}",
    },
    "review.ask_reason": {
        "zh": "请回复本消息，写明退回任务 <b>{number}</b> 的原因（将转告责任人）：",
        "en": "Reply to this message with the reason for sending task <b>{number}</b> back "
        "(the official will see it):",
    },
    "review.done_sent_back": {
        "zh": "↩️ 已退回任务 <b>{number}</b>，已告知责任人。原因：{reason}",
        "en": "↩️ Task <b>{number}</b> sent back; the official has been told. Reason: {reason}",
    },
    "review.reason_empty": {
        "zh": "退回原因不能为空，请回复上面的提问并写明原因。",
        "en": "The reason cannot be empty; reply to the question above with the reason.",
    },
    "prompt.answered": {
        "zh": "这个提问已经回答过了。",
        "en": "That question has already been answered.",
    },
    "error.own_task": {
        "zh": "您是该任务的责任人，不能审核自己的任务。",
        "en": "You own this task; no one reviews their own task.",
    },
    # Desk (issue 4): deadline extensions
    "status.decided": {"zh": "已处理", "en": "already decided"},
    "extension.pick": {
        "zh": "请选择要申请延期的任务：",
        "en": "Choose the task to ask an extension for:",
    },
    "extension.none": {
        "zh": "您目前没有可申请延期的任务。",
        "en": "You have no task to ask an extension for.",
    },
    "extension.ask": {
        "zh": "申请延期：任务 <b>{number}</b>（现时限 {due}）。\n请回复本消息，写明新的完成时限和理由，"
        "例如：<code>2027-03-31 专项资金尚未下达</code>",
        "en": "Extension for task <b>{number}</b> (due {due}).\nReply to this message with the new date "
        "and the reason, e.g. <code>2027-03-31 funds not yet allocated</code>",
    },
    "extension.sent": {
        "zh": "已提交延期申请：任务 <b>{number}</b> 申请延至 {new}，等待协调员审批。",
        "en": "Extension request sent: task <b>{number}</b> to {new}; waiting for the coordinators.",
    },
    "extension.request": {
        "zh": "⏳ <b>延期申请</b>（{campaign}）\n{owner}（{unit}）申请将任务 <b>{number}</b> 的时限由 {old} 延至 {new}。\n"
        "{measure}\n理由：{reason}",
        "en": "⏳ <b>Extension request</b> ({campaign})\n{owner} ({unit}) asks to move task <b>{number}</b> from "
        "{old} to {new}.\n{measure}\nReason: {reason}",
    },
    "extension.approve": {"zh": "✅ 同意", "en": "✅ Approve"},
    "extension.other_date": {"zh": "📅 另定日期", "en": "📅 Another date"},
    "extension.refuse": {"zh": "✖️ 不同意", "en": "✖️ Refuse"},
    "extension.ask_date": {
        "zh": "请回复本消息，写明任务 <b>{number}</b> 的新时限（如 2027-02-28）：",
        "en": "Reply to this message with the new deadline for task <b>{number}</b> (e.g. 2027-02-28):",
    },
    "extension.ask_note": {
        "zh": "请回复本消息，写明不同意任务 <b>{number}</b> 延期的理由（将转告责任人）：",
        "en": "Reply to this message with the reason for refusing task <b>{number}</b>'s extension "
        "(the official will see it):",
    },
    "extension.approved": {
        "zh": "✅ 您的任务 <b>{number}</b> 延期申请已获同意，新时限：{due}。",
        "en": "✅ The extension for your task <b>{number}</b> was approved; new deadline: {due}.",
    },
    "extension.refused": {
        "zh": "✖️ 您的任务 <b>{number}</b> 延期申请未获同意，时限不变。理由：{note}",
        "en": "✖️ The extension for your task <b>{number}</b> was refused; the deadline stays. "
        "Reason: {note}",
    },
    "extension.decided": {
        "zh": "已处理任务 <b>{number}</b> 的延期申请：{outcome}{due}。已告知责任人。",
        "en": "Extension for task <b>{number}</b> decided: {outcome}{due}. The official has been told.",
    },
    "error.extension_pending": {
        "zh": "任务 {number} 已有一项延期申请等待审批，请勿重复申请。",
        "en": "Task {number} already has an extension request waiting for a decision.",
    },
    "error.extension_no_date": {
        "zh": "没有找到新的时限日期。请写明日期，如：2027-03-31 专项资金尚未下达",
        "en": "No new date found. Write the date, e.g.: 2027-03-31 funds not yet allocated",
    },
    "error.extension_bad_date": {"zh": "日期无效，请检查年月日。", "en": "That date is not valid."},
    "error.extension_past": {
        "zh": "新时限必须晚于今天。",
        "en": "The new deadline must be after today.",
    },
    "error.extension_too_far": {
        "zh": "新时限不能晚于 {due}（十年以内），请检查年份。",
        "en": "The new deadline cannot be later than {due} (within ten years); please check the year.",
    },
    "error.extension_not_later": {
        "zh": "新时限必须晚于现时限（{due}）。",
        "en": "The new deadline must be after the current one ({due}).",
    },
    "error.extension_no_reason": {
        "zh": "请写明延期理由，如：2027-03-31 专项资金尚未下达",
        "en": "Please give the reason, e.g.: 2027-03-31 funds not yet allocated",
    },
    # Desk (issue 4): changes of plan and nudges
    "status.same_owner": {"zh": "已是该责任人", "en": "already that person's"},
    "status.self": {"zh": "不能停用自己", "en": "you cannot retire yourself"},
    "reassign.usage": {
        "zh": "用法：/reassign 任务编号 新责任人姓名，如 /reassign 1.2 李晓燕",
        "en": "Usage: /reassign NUMBER NAME, e.g. /reassign 1.2 李晓燕",
    },
    "reassign.pick": {
        "zh": "有多人匹配“{name}”，请选择任务 {number} 的新责任人：",
        "en": "Several people match “{name}”; choose task {number}'s new owner:",
    },
    "reassign.done": {
        "zh": "✅ 任务 <b>{number}</b> 的责任人已由 {before} 调整为 {after}，进展和佐证材料随任务保留，双方均已收到通知。",
        "en": "✅ Task <b>{number}</b> moved from {before} to {after}; its reports and evidence stay with it. Both have been told.",
    },
    "reassign.to_you": {
        "zh": "📌 任务 <b>{number}</b> 已调整由您负责（原责任人：{before}）：{measure}\n时限：{due}。发送 /mytasks 查看。",
        "en": "📌 Task <b>{number}</b> is now yours (previously {before}): {measure}\nDue {due}. Send /mytasks to see it.",
    },
    "reassign.from_you": {
        "zh": "任务 <b>{number}</b> 已调整由 {after} 负责，您无需再报送该任务的进展。",
        "en": "Task <b>{number}</b> now belongs to {after}; you no longer report on it.",
    },
    "deactivate.usage": {"zh": "用法：/deactivate 姓名", "en": "Usage: /deactivate NAME"},
    "deactivate.pick": {
        "zh": "有多人匹配“{name}”，请选择要停用的人员：",
        "en": "Several people match “{name}”; choose who to retire:",
    },
    "deactivate.preview": {
        "zh": "确认停用 {name}（{unit}）？停用后其账号解除绑定，不再收到提醒。\n{tasks}",
        "en": "Retire {name} ({unit})? Their account is unlinked and they get no more reminders.\n{tasks}",
    },
    "deactivate.tasks": {
        "zh": "以下 {count} 项未销号任务需要调整责任人（/reassign 编号 姓名）：{numbers}",
        "en": "These {count} open tasks need a new owner (/reassign NUMBER NAME): {numbers}",
    },
    "deactivate.no_tasks": {"zh": "其名下没有未销号任务。", "en": "They have no open tasks."},
    "deactivate.confirm": {"zh": "确认停用", "en": "Retire"},
    "deactivate.done": {
        "zh": "已停用 {name}。{tasks}\n如需重新启用（例如换用了新的 Telegram 账号），用 /invite 发送新的邀请链接即可。",
        "en": "{name} has been retired. {tasks}\nTo bring them back (e.g. on a new Telegram account), "
        "send a fresh link with /invite.",
    },
    "remind.usage": {
        "zh": "用法：/remind 姓名、/remind 单位 或 /remind silent（本期未报送的全部人员）",
        "en": "Usage: /remind NAME, /remind UNIT or /remind silent (everyone without a report this period)",
    },
    "remind.pick": {
        "zh": "“{name}”匹配多个人员或单位，请选择：",
        "en": "“{name}” matches several people or units; choose:",
    },
    "remind.preview": {
        "zh": "⏰ 将立即提醒{label} <b>{count}</b> 人，涉及 {tasks} 项任务：{names}{unreachable}\n确认发送？",
        "en": "⏰ This nudges{label} <b>{count}</b> people about {tasks} tasks now: {names}{unreachable}\nSend?",
    },
    "remind.label": {"zh": "“{label}”", "en": " “{label}”"},
    "remind.unreachable": {
        "zh": "\n另有 {count} 人未绑定或已屏蔽机器人，无法送达：{names}",
        "en": "\n{count} more are not linked or blocked the bot and cannot be reached: {names}",
    },
    "remind.nobody": {
        "zh": "没有可以送达的人员。{unreachable}",
        "en": "There is nobody to nudge.{unreachable}",
    },
    "remind.send": {"zh": "📨 发送提醒", "en": "📨 Send"},
    "remind.sent": {
        "zh": "已将提醒加入发送队列：{count} 人。",
        "en": "Nudges queued for {count} people.",
    },
    "remind.header": {
        "zh": "⏰ <b>整改进展提醒</b>\n{name}，您好！整改办（{sender}）提醒您尽快报送以下任务的进展：",
        "en": "⏰ <b>Progress reminder</b>\nHello {name}! The coordinators ({sender}) ask you to report on:",
    },
    "remind.line": {"zh": "• <b>{number}</b> {measure}", "en": "• <b>{number}</b> {measure}"},
    # Desk (issue 4): exports
    "export.caption": {
        "zh": "整改台账（含汇总表、人员表；可直接修改后重新发送导入）。",
        "en": "The ledger (with summary and people sheets; edit and send it back to re-import).",
    },
    "report.caption": {
        "zh": "{title}（Word 公文格式，依据台账和报送记录生成；文号、主送机关请补全，内容请审核修改）。",
        "en": "{title} (Word, official-document layout, from the ledger and the reports; fill in the "
        "document number and addressee, and review the wording).",
    },
    "report.usage": {
        "zh": "用法：/report（整改进展情况报告）或 /report final（整改情况报告）",
        "en": "Usage: /report (progress report) or /report final (final report)",
    },
    "dossier.usage": {
        "zh": "用法：/dossier 任务编号 或 /dossier 单位名称",
        "en": "Usage: /dossier NUMBER or /dossier UNIT",
    },
    "dossier.pick": {
        "zh": "有多个单位匹配“{name}”，请选择：",
        "en": "Several units match “{name}”; choose one:",
    },
    "dossier.caption": {
        "zh": "一事一档（第 {part}/{parts} 部分）",
        "en": "Task dossier (part {part} of {parts})",
    },
    # Notices (issue 5): the outline of a sent notice
    "notice.outline": {
        "zh": "📄 <b>已识别</b>：{problems} 个问题、{measures} 条整改措施。\n<b>按类别</b>\n{categories}\n"
        "<b>前几项</b>\n{first}{stats}{unplaced}",
        "en": "📄 <b>Read</b>: {problems} problems, {measures} measures.\n<b>By category</b>\n"
        "{categories}\n<b>First items</b>\n{first}{stats}{unplaced}",
    },
    "notice.item": {
        "zh": "{n}. {title}（{measures} 条措施）",
        "en": "{n}. {title} ({measures} measures)",
    },
    "notice.stats": {"zh": "\n<b>统计</b>：{sentence}", "en": "\n<b>Figures</b>: {sentence}"},
    "notice.unplaced": {
        "zh": "\n⚠️ 有 {count} 处未能识别，请核对：\n{lines}",
        "en": "\n⚠️ {count} passages were not understood; please check:\n{lines}",
    },
    "notice.unplaced_line": {"zh": "  第 {line} 行：{text}", "en": "  line {line}: {text}"},
    "notice.nothing": {
        "zh": "未能从文件中识别出问题清单（{lines} 处无法识别）。请确认这是整改通报或反馈意见，"
        "或直接下载 /template 填写。",
        "en": "No problem list could be read from the file ({lines} passages not understood). "
        "Check it is a notice, or fill in /template.",
    },
    "notice.workbook": {
        "zh": "已按识别结果预填导入表（类别、问题、措施）。请补充责任单位、责任人、牵头领导、时限，"
        "并在“人员”表中列出相关人员，然后把文件发回给我导入。",
        "en": "The import workbook pre-filled from the notice (categories, problems, measures). Add "
        "units, owners, lead leaders and deadlines, list the people in the 人员 sheet, then "
        "send it back to import.",
    },
    "import.new_units": {
        "zh": "\n⚠️ 有 {count} 个单位在系统中尚不存在，将新建：{units}（如为笔误，请取消并修改后重新发送）",
        "en": "\n⚠️ {count} units are new to the bot and will be created: {units} (if that is a typo, "
        "cancel, fix and send again)",
    },
    "import.person_change": {"zh": "{name}：{changes}", "en": "{name}: {changes}"},
    "import.person_unit": {"zh": "单位 {old}→{new}", "en": "unit {old}→{new}"},
    "import.person_roles": {"zh": "新增角色 {roles}", "en": "adds the roles {roles}"},
    "import.people_changed": {
        "zh": "\n⚠️ {count} 位已有人员的信息将被修改：\n{changes}",
        "en": "\n⚠️ {count} people already in the bot will change:\n{changes}",
    },
    # Accounts
    "start.welcome": {
        "zh": "您好，{name}！您的账号已绑定。\n发送 /mytasks 查看您的整改任务，直接发送文字即可报送进展。"
        "发送 /help 查看全部命令。",
        "en": "Hello, {name}! Your account is linked.\nSend /mytasks to see your rectification "
        "tasks; just write a message to report progress. /help lists all commands.",
    },
    "start.already": {
        "zh": "您好，{name}！您的账号已绑定。发送 /help 查看可用命令。",
        "en": "Hello, {name}! Your account is already linked. Send /help for the commands.",
    },
    "start.stranger": {
        "zh": "您好！本机器人仅供整改工作相关人员使用。请向整改办（协调员）索取您的专属邀请链接。\n"
        "您的 Telegram 编号：{user_id}（管理员设置 ADMIN_TELEGRAM_IDS 时使用）",
        "en": "Hello! This bot is for the people working on the rectification. "
        "Please ask the coordinators for your personal invitation link.\n"
        "Your Telegram number: {user_id} (what an administrator puts in ADMIN_TELEGRAM_IDS)",
    },
    "start.switch_confirm": {
        "zh": "⚠️ 您的账号目前绑定的是 <b>{current}</b>。打开这个邀请链接会把账号改为绑定 <b>{target}</b>，"
        "{current} 将不再能用此账号报送和查询。确认切换请点下方按钮；否则忽略本消息即可。",
        "en": "⚠️ Your account is linked to <b>{current}</b>. This invite would link it to <b>{target}</b> "
        "instead, and {current} could no longer use this account. Tap the button to switch; "
        "otherwise ignore this message.",
    },
    "start.switch_role_warning": {
        "zh": "注意：切换后您将失去 {current} 的协调员/领导/管理员权限。",
        "en": "Note: after switching you lose {current}'s coordinator, leader or admin rights.",
    },
    "group.added": {
        "zh": "已加入本群。本群编号：{chat_id}\n"
        "如需本群接收每周简报和月度通报，请管理员把此编号加入 DIGEST_GROUP_CHAT_IDS 并重启机器人。",
        "en": "Joined this group. Its chat id: {chat_id}\n"
        "For the weekly digest and monthly bulletin here, an administrator adds this id to "
        "DIGEST_GROUP_CHAT_IDS and restarts the bot.",
    },
    "group.added_listed": {
        "zh": "已加入本群（编号 {chat_id}），本群已在 DIGEST_GROUP_CHAT_IDS 中，将收到每周简报和月度通报。",
        "en": "Joined this group (chat id {chat_id}); it is in DIGEST_GROUP_CHAT_IDS and will get the "
        "weekly digest and monthly bulletin.",
    },
    "start.switch_button": {"zh": "确认切换为 {target}", "en": "Switch to {target}"},
    "error.invite_invalid": {
        "zh": "邀请链接无效、已使用或已过期。请向协调员索取新的邀请链接。",
        "en": "This invitation link is invalid, already used or expired. "
        "Please ask the coordinators for a new one.",
    },
    "error.not_registered": {
        "zh": "抱歉，您尚未绑定账号。请通过协调员发给您的邀请链接开始使用。",
        "en": "Sorry, your account is not linked yet. Please open the invitation link "
        "the coordinators sent you.",
    },
    "error.permission_denied": {
        "zh": "抱歉，您没有权限使用此功能。",
        "en": "Sorry, you are not allowed to do that.",
    },
    "error.not_found": {"zh": "未找到该项目，或它不属于您。", "en": "Not found, or not yours."},
    "error.no_open_tasks": {
        "zh": "您目前没有待整改的任务，本条消息未作为进展记录。",
        "en": "You have no open tasks, so this message was not recorded as progress.",
    },
    "error.edit_after_review": {
        "zh": "任务 {number} 当前状态为“{status}”，修改原消息不会改变已审核的进展（修改内容已留档）。"
        "如有补充，请发送新消息。",
        "en": "Task {number} is {status}: editing the old message does not change what was reviewed "
        "(your edit is kept in the log). Send a new message to add to it.",
    },
    "error.nothing_to_report": {
        "zh": "提醒中列出的任务本周都已报送（或已申请销号），无需再报“无新进展”。",
        "en": "Every task the check-in listed has a report this week (or waits for sign-off); no "
        "“no change” report is needed.",
    },
    "error.invalid_state": {
        "zh": "该任务当前状态（{status}）不允许此操作。",
        "en": "The task's current state ({status}) does not allow this.",
    },
    "error.ambiguous_campaign": {
        "zh": "请先选择整改轮次：发送 /campaign 选择（现有轮次：{listed}）。"
        "导入新轮次时，请在发送工作簿时把轮次名称写在文件说明中。",
        "en": "Please choose the rectification round first with /campaign (open rounds: {listed}). "
        "To import a new round, write its name in the file's caption.",
    },
    "error.person_unknown": {"zh": "未找到人员：{name}", "en": "No such person: {name}"},
    "error.generic": {
        "zh": "抱歉，处理时出错，请稍后再试。",
        "en": "Sorry, something went wrong. Please try again later.",
    },
    "error.callback_invalid": {
        "zh": "该按钮已失效，请重新操作。",
        "en": "This button is no longer valid; please start again.",
    },
    "error.group_private": {
        "zh": "为保护个人信息，请在与机器人的私聊中使用此命令。",
        "en": "To protect personal information, please use this command in a private chat with me.",
    },
    "error.unsupported_content": {
        "zh": "请用文字报送进展，佐证材料请以照片或文件形式发送。",
        "en": "Please report progress as text, and send evidence as photos or files.",
    },
    "error.unknown_command": {
        "zh": "未知命令。发送 /help 查看可用命令。",
        "en": "Unknown command. Send /help for the commands.",
    },
    # Help and menus
    "help.header": {"zh": "<b>可用命令</b>", "en": "<b>Commands</b>"},
    "help.footer": {
        "zh": "直接发送文字即报送进展；回复机器人关于某项任务的消息即报送该任务。发送照片或文件作为佐证材料。",
        "en": "Write a message to report progress; reply to a message about a task to report on "
        "that task. Send photos or files as evidence.",
    },
    "cmd.start": {"zh": "开始使用", "en": "Start"},
    "cmd.help": {"zh": "查看帮助", "en": "Help"},
    "cmd.mytasks": {"zh": "我的任务", "en": "My tasks"},
    "cmd.board": {"zh": "整改总体进度", "en": "Overall board"},
    "cmd.milestone": {"zh": "整改方案、报告的时限与报送", "en": "Plan and report due dates"},
    "cmd.template": {"zh": "下载导入模板", "en": "Import template"},
    "cmd.invite": {"zh": "生成某人的邀请链接", "en": "Invite link for a person"},
    "cmd.invites": {"zh": "导出全部待用邀请链接", "en": "All pending invite links"},
    "desk.template": {
        "zh": "整改任务导入模板（含示例行，请删除示例后填写）。",
        "en": "The import template (with an example row; delete it before filling in).",
    },
    "desk.invite": {
        "zh": "{name}（{unit}）的专属邀请链接，{expires} 前有效，仅可使用一次（此前的链接已作废）：\n{link}",
        "en": "Invite link for {name} ({unit}), valid until {expires}, single use (earlier links are revoked):\n{link}",
    },
    "desk.invite_usage": {
        "zh": "用法：/invite 姓名（可输入部分姓名）",
        "en": "Usage: /invite NAME (part of the name is enough)",
    },
    "desk.invite_pick": {
        "zh": "有多人匹配“{name}”，请选择：",
        "en": "Several people match “{name}”; choose one:",
    },
    "desk.invites": {
        "zh": "共 {count} 人尚未绑定，已生成新的邀请链接（此前的链接已作废）。",
        "en": "{count} people are not linked yet; fresh links are in the workbook (earlier links are revoked).",
    },
    "desk.invites_none": {
        "zh": "所有人员均已绑定，无需邀请。",
        "en": "Everyone is linked; no invites needed.",
    },
    "cmd.language": {"zh": "切换语言 / Language", "en": "Language / 切换语言"},
    # Tasks
    "tasks.none": {"zh": "您目前没有待整改的任务。", "en": "You have no open tasks."},
    "tasks.header": {"zh": "<b>您的整改任务（{count}项）</b>", "en": "<b>Your tasks ({count})</b>"},
    "tasks.item": {
        "zh": "{light} <b>{number}</b> {problem}\n措施：{measure}\n时限：{due} ｜ 状态：{status} ｜ 进度：{percent}%"
        "\n最近进展：{last}",
        "en": "{light} <b>{number}</b> {problem}\nMeasure: {measure}\nDue: {due} | Status: {status} | "
        "Progress: {percent}%\nLast update: {last}",
    },
    "tasks.focus": {
        "zh": "请<b>回复本消息</b>报送任务 <b>{number}</b> 的进展（可附照片或文件）：\n{measure}",
        "en": "<b>Reply to this message</b> to report on task <b>{number}</b> "
        "(photos and files welcome):\n{measure}",
    },
    "tasks.no_update": {"zh": "暂无", "en": "none yet"},
    "tasks.long_term": {"zh": "长期推进", "en": "long-term"},
    "status.open": {"zh": "未开始", "en": "not started"},
    "status.in_progress": {"zh": "整改中", "en": "in progress"},
    "status.pending_review": {"zh": "待审核销号", "en": "awaiting sign-off"},
    "status.closed": {"zh": "已销号", "en": "signed off"},
    "status.withdrawn": {"zh": "已撤回", "en": "withdrawn"},
    "status.assigned": {"zh": "已归入其他任务", "en": "filed under another task"},
    "status.unassigned": {"zh": "尚未选择任务", "en": "not yet filed under a task"},
    "kind.immediate": {"zh": "立行立改", "en": "immediate"},
    "kind.bounded": {"zh": "限期整改", "en": "time-bound"},
    "kind.long_term": {"zh": "长期推进", "en": "long-term"},
    # Reports
    "report.recorded": {
        "zh": "已记录任务 <b>{number}</b> 的进展{percent_part}。\n“{excerpt}”{evidence_part}",
        "en": "Progress recorded on task <b>{number}</b>{percent_part}.\n“{excerpt}”{evidence_part}",
    },
    "report.percent_part": {"zh": "，进度 {percent}%", "en": ", {percent}% done"},
    "report.no_percent_part": {
        "zh": "（未识别到进度百分比，可点“更正进度”填写）",
        "en": " (no percentage found; tap “Set %” to add one)",
    },
    "report.evidence_part": {
        "zh": "\n佐证材料：{count} 个文件",
        "en": "\nEvidence: {count} file(s)",
    },
    "report.done_hint": {
        "zh": "\n看起来该任务已完成。如需审核销号，请点击“申请销号”。",
        "en": "\nIt looks done. Tap “Ask for sign-off” to send it for review.",
    },
    "report.which_task": {
        "zh": "这条进展是关于哪项任务？请选择（也可以在消息开头写明序号，如“1.2 完成50%”）：",
        "en": "Which task is this report about? Please choose (or start the message with the task's "
        "number, e.g. “1.2 50% done”):",
    },
    "tasks.more_than_buttons": {
        "zh": "任务较多，按钮只列出前 {shown} 项；其余任务请在消息开头写明序号报送，如“1.2 完成50%”。",
        "en": "Buttons cover the first {shown} tasks; report on the others by starting the message "
        "with the number, e.g. “1.2 50% done”.",
    },
    "batch.header": {
        "zh": "📝 <b>请核对本次报送</b>（{count} 项将记录）：",
        "en": "📝 <b>Please check this report</b> ({count} item(s) will be stored):",
    },
    "batch.no_change_header": {
        "zh": "📝 <b>本周按计划推进，无新进展</b>\n将为以下 {count} 项各记录一条“无新进展”报送（进度不变）：",
        "en": "📝 <b>On track, no change this week</b>\nA “no change” report (progress kept) will be "
        "stored for each of these {count} item(s):",
    },
    "batch.item": {
        "zh": "{index}. <b>{number}</b> {title}\n    “{text}” → {what}",
        "en": "{index}. <b>{number}</b> {title}\n    “{text}” → {what}",
    },
    "batch.item_no_change_only": {
        "zh": "{index}. <b>{number}</b> {title} → {what}",
        "en": "{index}. <b>{number}</b> {title} → {what}",
    },
    "batch.what_percent": {"zh": "进度 {percent}%", "en": "{percent}% done"},
    "batch.what_done": {
        "zh": "已完成（100%），确认后可申请销号",
        "en": "done (100%); you can ask for sign-off after confirming",
    },
    "batch.what_no_change": {
        "zh": "本周无新进展（保持 {percent}%）",
        "en": "no change this week (stays at {percent}%)",
    },
    "batch.what_text_only": {
        "zh": "记录进展，进度不变（{percent}%）",
        "en": "stored as progress, percent unchanged ({percent}%)",
    },
    "batch.rest": {
        "zh": "其余 {count} 项（{numbers}）→ {what}",
        "en": "The other {count} ({numbers}) → {what}",
    },
    "batch.rest_no_change": {
        "zh": "本周无新进展，进度不变",
        "en": "no change this week, progress kept",
    },
    "batch.refused_header": {"zh": "以下内容不会记录：", "en": "Not stored:"},
    "batch.refused": {"zh": "✖️ {label}：{reason}", "en": "✖️ {label}: {reason}"},
    "batch.reason.not_reportable": {
        "zh": "未找到您可报送的该序号任务",
        "en": "no task with this number that you report on",
    },
    "batch.reason.ambiguous": {
        "zh": "该序号在多个整改轮次中都有，请用“第N项”或分别报送",
        "en": "this number is in several rounds; use the list position or report separately",
    },
    "batch.reason.no_position": {
        "zh": "提醒清单中没有这一项",
        "en": "the check-in list has no such item",
    },
    "batch.reason.duplicate": {
        "zh": "与前面重复，已合并到前一条",
        "en": "named twice; only the first is kept",
    },
    "batch.reason.closed": {"zh": "已销号", "en": "already signed off"},
    "batch.reason.pending_review": {"zh": "正在等待审核销号", "en": "waiting for sign-off"},
    "batch.reason.dropped": {"zh": "您已删除此项", "en": "you left it out"},
    "batch.evidence": {
        "zh": "佐证材料：{count} 个文件（附于每一项）",
        "en": "Evidence: {count} file(s) (attached to every item)",
    },
    "batch.nothing": {
        "zh": "没有可以记录的项目。请用序号（如“1.2 完成50%”）或提醒中的位置（如“第1项 …”）分别写明。",
        "en": "Nothing can be stored. Name each item by its number (e.g. “1.2 50% done”) or by its "
        "place in the check-in (e.g. “第1项 …”).",
    },
    "batch.confirm": {"zh": "✅ 全部确认", "en": "✅ Confirm all"},
    "batch.fix": {"zh": "✏️ 更正一项", "en": "✏️ Fix one item"},
    "batch.cancel": {"zh": "✖️ 取消", "en": "✖️ Cancel"},
    "batch.back": {"zh": "↩️ 返回", "en": "↩️ Back"},
    "batch.pick_item": {"zh": "请选择要更正的一项：", "en": "Which item do you want to fix?"},
    "batch.pick_value": {
        "zh": "{number}：请选择当前进度，或标为无新进展、删除此项：",
        "en": "{number}: choose the current progress, or mark no change, or leave it out:",
    },
    "batch.set_no_change": {"zh": "无新进展", "en": "No change"},
    "batch.set_drop": {"zh": "🗑 删除此项", "en": "🗑 Leave out"},
    "batch.stored": {
        "zh": "✅ 已记录 {count} 项进展：{numbers}",
        "en": "✅ Stored {count} report(s): {numbers}",
    },
    "batch.stored_skipped": {
        "zh": "未记录（提交后已调整或已申请销号）：{labels}",
        "en": "Not stored (changed or sent for sign-off meanwhile): {labels}",
    },
    "batch.done_hint": {
        "zh": "报告已完成的任务：{numbers}。整改到位的，可申请审核销号。",
        "en": "Reported done: {numbers}. If the work is complete, ask for sign-off.",
    },
    "batch.signoff_all": {"zh": "📨 申请销号（{count} 项）", "en": "📨 Ask sign-off ({count})"},
    "batch.signoff_requested": {
        "zh": "📨 已申请审核销号：{numbers}。协调员审核后会通知您。",
        "en": "📨 Sign-off requested for {numbers}. You will hear when the coordinators decide.",
    },
    "batch.cancelled": {"zh": "已取消，本次报送未记录。", "en": "Cancelled; nothing was stored."},
    "batch.replaces": {
        "zh": "（修改后的报送：确认后将替换原先记录的 {count} 条进展）",
        "en": "(edited report: confirming replaces the {count} report(s) stored before)",
    },
    "checkin.no_change_button": {
        "zh": "本周按计划推进，无新进展",
        "en": "On track, no change this week",
    },
    "checkin.no_change_text": {
        "zh": "本周按计划推进，无新进展",
        "en": "On track, no change this week",
    },
    "report.pick_percent": {"zh": "请选择当前进度：", "en": "Choose the current progress:"},
    "report.withdrawn": {
        "zh": "已撤回该条进展（任务 <b>{number}</b>）。",
        "en": "Report withdrawn (task <b>{number}</b>).",
    },
    "report.withdrawn_unassigned": {"zh": "已撤回该条进展。", "en": "Report withdrawn."},
    "report.file_not_saved": {
        "zh": "⚠️ 文字进展已记录，但文件“{name}”未能保存（下载中断或服务器存储出错）。请稍后重新发送这个文件。",
        "en": "⚠️ The text was stored, but the file “{name}” could not be saved (the download broke off "
        "or the server's storage failed). Please send this file again later.",
    },
    "report.file_too_big": {
        "zh": "文件“{name}”超过 {limit} MB，机器人无法下载保存，已记录文件编号。如需存档，请压缩后重新发送或线下提交。",
        "en": "The file “{name}” is larger than {limit} MB, so the bot cannot download it; its id "
        "was recorded. Please compress it and send it again, or hand it in offline.",
    },
    "report.signoff_requested": {
        "zh": "已提交任务 <b>{number}</b> 的销号申请，等待协调员审核。",
        "en": "Sign-off requested for task <b>{number}</b>; the coordinators will review it.",
    },
    "report.signoff_notice": {
        "zh": "📝 <b>销号申请</b>（{campaign}）\n{owner}（{unit}）申请对任务 <b>{number}</b> 销号：\n{measure}\n最近进展：{last}",
        "en": "📝 <b>Sign-off request</b> ({campaign})\n{owner} ({unit}) asks to sign off task <b>{number}</b>:\n"
        "{measure}\nLast report: {last}",
    },
    "report.percent_set": {
        "zh": "已将任务 <b>{number}</b> 的进度更正为 {percent}%。",
        "en": "Task <b>{number}</b> progress set to {percent}%.",
    },
    "button.set_percent": {"zh": "更正进度", "en": "Set %"},
    "button.ask_signoff": {"zh": "申请销号", "en": "Ask for sign-off"},
    "button.withdraw": {"zh": "撤回", "en": "Withdraw"},
    # Language
    "language.choose": {"zh": "请选择语言：", "en": "Choose a language:"},
    "language.set": {"zh": "已切换为中文。", "en": "Language set to English."},
    # Board
    "board.title": {
        "zh": "<b>{campaign} 整改进度</b>",
        "en": "<b>{campaign}: rectification board</b>",
    },
    "board.sentence": {
        "zh": "反馈的{problems_total}项问题已完成整改{problems_rectified}项，"
        "整改措施{tasks_total}条已完成{tasks_closed}条。",
        "en": "Of the {problems_total} problems raised, {problems_rectified} are rectified; "
        "{tasks_closed} of {tasks_total} measures are completed.",
    },
    "board.lights": {
        "zh": "🔴 {red}　🟡 {yellow}　🟢 {green}　逾期 {overdue} 条",
        "en": "🔴 {red}  🟡 {yellow}  🟢 {green}  overdue: {overdue}",
    },
    "board.by_status": {"zh": "<b>按状态</b>", "en": "<b>By status</b>"},
    "board.by_kind": {"zh": "<b>按类型</b>（完成/总数）", "en": "<b>By kind</b> (done/total)"},
    "board.by_unit": {
        "zh": "<b>按单位</b>（完成/总数，完成率，逾期）",
        "en": "<b>By unit</b> (done/total, rate, overdue)",
    },
    "board.unit_line": {
        "zh": "{unit}：{closed}/{total}，{rate}%，逾期 {overdue}　🔴{red} 🟡{yellow}",
        "en": "{unit}: {closed}/{total}, {rate}%, overdue {overdue}  🔴{red} 🟡{yellow}",
    },
    # The round's calendar (issue 14)
    "milestone.plan": {"zh": "整改方案", "en": "rectification plan"},
    "milestone.report": {"zh": "整改情况报告", "en": "rectification report"},
    "milestone.key.plan": {"zh": "方案", "en": "plan"},
    "milestone.key.report": {"zh": "报告", "en": "report"},
    "limit.d": {"zh": "{n}天", "en": "{n} days"},
    "limit.wd": {"zh": "{n}个工作日", "en": "{n} working days"},
    "limit.m": {"zh": "{n}个月", "en": "{n} months"},
    "milestone.notice": {
        "zh": "📅 <b>{what}报送提醒</b>\n{campaign}：{what}应于 {due}（{weekday}）前报送，{left}。\n"
        "{basis}\n报送后请协调员发送 <code>/milestone {key} 已报送</code> 记录。",
        "en": "📅 <b>{what} due</b>\n{campaign}: the {what} is due by {due} ({weekday}), {left}.\n"
        "{basis}\nOnce it is submitted, a coordinator records it with "
        "<code>/milestone {key} submitted</code>.",
    },
    "milestone.left": {"zh": "还有 {days} 天", "en": "{days} days left"},
    "milestone.today": {"zh": "今天到期", "en": "due today"},
    "milestone.by_rule": {
        "zh": "依据：反馈日期 {feedback} 后{limit}内。",
        "en": "Rule: within {limit} of the feedback on {feedback}.",
    },
    "milestone.moved": {
        "zh": "{day} 为{off}，顺延至其后第一个工作日。",
        "en": " {day} is a day off ({off}), so it moves to the next working day.",
    },
    "milestone.weekend": {"zh": "休息日", "en": "weekend"},
    "milestone.set_by_hand": {
        "zh": "时限由协调员设定。",
        "en": "The date was set by a coordinator.",
    },
    "milestone.missed_notice": {
        "zh": "⚠️ <b>{what}逾期未记录报送</b>\n{campaign}：{what}应于 {due} 前报送，尚未记录报送。\n"
        "如已报送，请发送 <code>/milestone {key} 已报送 {due}</code> 补记；"
        "如时限已调整，请发送 <code>/milestone {key} 新日期</code>。",
        "en": "⚠️ <b>{what} not recorded as submitted</b>\n{campaign}: the {what} was due by {due} "
        "and is not recorded as submitted.\nIf it was, send "
        "<code>/milestone {key} submitted {due}</code>; if the date changed, send "
        "<code>/milestone {key} NEW-DATE</code>.",
    },
    "milestone.title": {"zh": "<b>{campaign} 整改节点</b>", "en": "<b>{campaign}: milestones</b>"},
    "milestone.source_line": {
        "zh": "类型：{source}；反馈日期：{feedback}",
        "en": "Kind: {source}; feedback: {feedback}",
    },
    "source.inspection": {"zh": "巡视巡察", "en": "inspection"},
    "source.audit": {"zh": "审计", "en": "audit"},
    "source.supervision": {"zh": "督查", "en": "supervision"},
    "milestone.no_feedback": {"zh": "未设置", "en": "not set"},
    "milestone.suffix_rule": {"zh": "（反馈后{limit}）", "en": " (within {limit} of the feedback)"},
    "milestone.suffix_set": {"zh": "（协调员设定）", "en": " (set by a coordinator)"},
    "milestone.immediate": {
        "zh": "⚡ 立行立改事项：应于 {due} 前完成",
        "en": "⚡ Immediate items: to be fixed by {due}",
    },
    "milestone.usage": {
        "zh": "协调员可发送：\n"
        "<code>/milestone 反馈 2026-11-20</code> 设置反馈日期\n"
        "<code>/milestone 类型 审计</code>（巡视、巡察、审计、督查）\n"
        "<code>/milestone 方案 2026-12-10</code> 另定时限（<code>自动</code> 恢复按规定计算）\n"
        "<code>/milestone 方案 已报送 [日期]</code> 记录报送（<code>撤销</code> 取消记录）\n"
        "“方案”可换成“报告”（整改情况报告）。",
        "en": "Coordinators can send:\n"
        "<code>/milestone feedback 2026-11-20</code> set the feedback date\n"
        "<code>/milestone source audit</code> (inspection, audit, supervision)\n"
        "<code>/milestone plan 2026-12-10</code> set a date (<code>auto</code>: back to the rule)\n"
        "<code>/milestone plan submitted [date]</code> record the submission "
        "(<code>undo</code> removes it)\n"
        "Use <code>report</code> instead of <code>plan</code> for the rectification report.",
    },
    "error.milestone_usage": {
        "zh": "无法识别该命令。发送 /milestone 可查看本轮整改节点和各项用法。",
        "en": "That command cannot be read. Send /milestone to see the round's milestones and how "
        "to change them.",
    },
    "error.milestone_date": {
        "zh": "“{word}”不是有效日期，请写成 2026-12-10 这样的格式。",
        "en": "“{word}” is not a date; write it like 2026-12-10.",
    },
    "error.milestone_far": {
        "zh": "日期“{word}”超出合理范围，请检查年份。",
        "en": "The date “{word}” is out of range; check the year.",
    },
    "error.milestone_future": {
        "zh": "报送日期 {word} 还没到，请写实际报送的日期（不写则为今天）。",
        "en": "The submission date {word} is in the future; give the day it was submitted "
        "(none means today).",
    },
    # The quarterly summary (季总结, issue 14)
    "quarterly.title": {
        "zh": "📑 <b>整改工作季度总结（{quarter}）</b>",
        "en": "📑 <b>Quarterly summary ({quarter})</b>",
    },
    "quarterly.first": {
        "zh": "这是本轮整改的第一份季度总结，无上季度数据可比。",
        "en": "This is the round's first quarterly summary; there is no previous quarter to compare.",
    },
    "quarterly.changes": {
        "zh": "本季度新完成整改措施{closed}条、问题{rectified}个；逾期措施由上季度末的{overdue_before}条变为{overdue_now}条。",
        "en": "This quarter {closed} measures and {rectified} problems were completed; overdue "
        "measures went from {overdue_before} at the end of last quarter to {overdue_now}.",
    },
    "quarterly.lights": {
        "zh": "🔴 {red}　🟡 {yellow}　🟢 {green}　逾期 {overdue} 条",
        "en": "🔴 {red}  🟡 {yellow}  🟢 {green}  overdue {overdue}",
    },
    "quarterly.units_header": {
        "zh": "<b>各单位完成率与按期率</b>（完成/总数，完成率，按期率，较上季度百分点）",
        "en": "<b>Units: completion and punctuality</b> (done/total, completion, on time, change "
        "since last quarter in points)",
    },
    "quarterly.unit_line": {
        "zh": "{rank}. {unit}：{closed}/{total}，{completion}%，按期 {on_time}%，{change}",
        "en": "{rank}. {unit}: {closed}/{total}, {completion}%, on time {on_time}%, {change}",
    },
    "quarterly.stalled_header": {
        "zh": "<b>停滞事项</b>（连续{weeks}周以上无新进展）：{count} 条",
        "en": "<b>Stalled</b> (only “no change” for {weeks} weeks or more): {count}",
    },
    "quarterly.escalated_header": {
        "zh": "<b>本季度约谈提醒事项</b>：{count} 条",
        "en": "<b>Escalated this quarter</b>: {count}",
    },
    "quarterly.item": {
        "zh": "<b>{number}</b> {who}：{measure}（进度{percent}%）",
        "en": "<b>{number}</b> {who}: {measure} ({percent}%)",
    },
    "quarterly.times": {"zh": "，提醒{times}次", "en": ", {times} reminder(s)"},
    "quarterly.doc_title": {
        "zh": "关于{campaign}整改工作{quarter}情况的总结",
        "en": "Summary of the {campaign} rectification, {quarter}",
    },
    "quarterly.doc_caption": {
        "zh": "📎 {campaign} 季度总结（可打印的 Word 文档）",
        "en": "📎 {campaign}: the quarterly summary as a printable Word document",
    },
    "quarterly.note": {
        "zh": "各责任单位要对照本季度总结查找差距，对停滞和逾期事项逐项分析原因、明确措施和时限，"
        "确保整改任务按期完成、取得实效。",
        "en": "Each unit is to review this summary, find the reasons for stalled and overdue items, "
        "and set measures and dates so the rectification is finished on time.",
    },
    # 回头看 (issue 14)
    "lookback.question": {
        "zh": "🔁 <b>回头看</b>（{campaign}）\n以下措施已销号，请确认整改成效是否保持；如出现反弹，请选择“出现反弹”并说明原因：",
        "en": "🔁 <b>Look-back</b> ({campaign})\nThese measures were signed off. Does each "
        "rectification still hold? If one slipped back, choose “Slipped” and say why:",
    },
    "lookback.question_line": {
        "zh": "<b>{number}</b> {measure}（{closed} 销号）",
        "en": "<b>{number}</b> {measure} (signed off {closed})",
    },
    "lookback.held_button": {"zh": "✅ {number} 保持", "en": "✅ {number} holds"},
    "lookback.slipped_button": {"zh": "⚠️ {number} 反弹", "en": "⚠️ {number} slipped"},
    "lookback.ask_reason": {
        "zh": "请回复本消息，说明措施 <b>{number}</b> 出现反弹的情况和原因（将重新打开整改）：",
        "en": "Reply to this message with how measure <b>{number}</b> slipped back and why (it will "
        "be reopened):",
    },
    "lookback.done_held": {
        "zh": "✅ 已记录：措施 {number} 整改成效保持（{by}）。",
        "en": "✅ Recorded: measure {number} still holds ({by}).",
    },
    "lookback.done_slipped": {
        "zh": "⚠️ 已记录：措施 {number} 出现反弹，已重新打开整改。原因：{reason}",
        "en": "⚠️ Recorded: measure {number} slipped back and is reopened. Reason: {reason}",
    },
    "lookback.reopened_notice": {
        "zh": "⚠️ <b>回头看发现反弹</b>\n措施 <b>{number}</b>（{unit}，{owner}）：{measure}\n"
        "已重新打开整改。原因：{reason}（{by} 记录）",
        "en": "⚠️ <b>Look-back: slipped back</b>\nMeasure <b>{number}</b> ({unit}, {owner}): "
        "{measure}\nReopened. Reason: {reason} (recorded by {by})",
    },
    "lookback.started": {
        "zh": "🔁 已对“{campaign}”{scope}发起回头看：{checks} 项已销号措施，已发给各责任人确认。{pending}{not_closed}{unreachable}",
        "en": "🔁 Look-back started on “{campaign}”{scope}: {checks} signed-off measures, sent to "
        "their officials.{pending}{not_closed}{unreachable}",
    },
    "lookback.scope": {"zh": "（{scope}）", "en": " ({scope})"},
    "lookback.already_pending": {
        "zh": "\n{count} 项已在回头看中、尚未答复，未重复发送。",
        "en": "\n{count} are already being checked and were not sent again.",
    },
    "lookback.not_closed": {
        "zh": "\n以下措施尚未销号，无需回头看：{numbers}",
        "en": "\nNot signed off, so not checked: {numbers}",
    },
    "lookback.unreachable": {
        "zh": "\n⚠️ 以下责任人无法接收消息，请协调员在 /lookback 中代为确认：{names}",
        "en": "\n⚠️ These officials cannot be messaged; a coordinator answers for them in /lookback: "
        "{names}",
    },
    "lookback.summary": {
        "zh": "🔁 <b>{campaign} 回头看</b>\n共 {total} 项：保持 {held} 项，反弹 {slipped} 项（已重新打开），待确认 {pending} 项。",
        "en": "🔁 <b>{campaign}: look-back</b>\n{total} checks: {held} hold, {slipped} slipped "
        "(reopened), {pending} awaiting an answer.",
    },
    "lookback.auto_state": {
        "zh": "自动回头看：{state}（销号满 {months} 个月后自动发起）",
        "en": "Automatic look-back: {state} (started {months} months after sign-off)",
    },
    "lookback.on": {"zh": "已开启", "en": "on"},
    "lookback.off": {"zh": "未开启", "en": "off"},
    "lookback.slipped_header": {"zh": "<b>出现反弹</b>", "en": "<b>Slipped back</b>"},
    "lookback.pending_header": {"zh": "<b>待确认</b>", "en": "<b>Awaiting an answer</b>"},
    "lookback.line": {
        "zh": "<b>{number}</b> {unit} {owner}：{measure}{note}",
        "en": "<b>{number}</b> {unit} {owner}: {measure}{note}",
    },
    "lookback.usage": {
        "zh": "协调员可发送：\n<code>/lookback 全部</code> 对本轮所有已销号措施发起回头看\n"
        "<code>/lookback 区发展改革委</code> 对一个单位\n<code>/lookback 1.1 2.3</code> 对指定措施\n"
        "<code>/lookback 自动 开</code>（或 关）销号满一定月数后自动发起",
        "en": "Coordinators can send:\n<code>/lookback all</code> check every signed-off measure of "
        "the round\n<code>/lookback UNIT</code> one unit\n<code>/lookback 1.1 2.3</code> chosen "
        "measures\n<code>/lookback auto on</code> (or off) start automatically some months "
        "after sign-off",
    },
    "lookback.auto_set": {
        "zh": "✅ “{campaign}”的自动回头看：{state}。",
        "en": "✅ Automatic look-back for “{campaign}” is now {state}.",
    },
    "error.lookback_usage": {
        "zh": "请说明对哪些措施回头看。发送 /lookback 查看用法。",
        "en": "Say which measures to check. Send /lookback to see how.",
    },
    "error.lookback_units": {
        "zh": "有多个单位匹配：{word}。请写全单位名称。",
        "en": "Several units match: {word}. Please give the full name.",
    },
    "error.lookback_auto": {
        "zh": "请写 <code>/lookback 自动 开</code> 或 <code>/lookback 自动 关</code>。",
        "en": "Write <code>/lookback auto on</code> or <code>/lookback auto off</code>.",
    },
    "error.lookback_reason": {
        "zh": "请写明出现反弹的原因。",
        "en": "Please say why it slipped back.",
    },
    "bulletin.lookback": {
        "zh": "🔁 回头看：本月核查已销号措施 {checked} 条，整改成效保持 {held} 条，出现反弹 {slipped} 条（已重新打开整改）；待确认 {pending} 条。",
        "en": "🔁 Look-back: {checked} signed-off measures checked this month, {held} hold, "
        "{slipped} slipped back (reopened); {pending} awaiting an answer.",
    },
    # Grading (评定, issue 14)
    "unit_head.supported": {
        "zh": "本单位配合的措施上周未报送进展的（请配合责任单位推进）：",
        "en": "Measures your unit supports that had no report last week (please help the lead unit):",
    },
    "unit_head.supported_line": {
        "zh": "• {number}（责任单位：{unit}）",
        "en": "• {number} (lead unit: {unit})",
    },
    "query.supported_header": {
        "zh": "<b>本单位配合的措施</b>（{count} 项，完成情况计入责任单位）",
        "en": "<b>Measures your unit supports</b> ({count}; they count for their lead unit)",
    },
    "query.supported": {
        "zh": "另配合 {numbers}（完成情况计入责任单位）",
        "en": "Also supports {numbers} (counted for their lead unit)",
    },
    "query.supporting": {"zh": "配合单位：{units}", "en": "Supporting units: {units}"},
    "ledger.grade": {"zh": "评定", "en": "Grade"},
    "grade.title": {"zh": "<b>{campaign} 整改评定</b>", "en": "<b>{campaign}: grades</b>"},
    "grade.rule": {
        "zh": "评定规则：A 级——{a}；B 级——{b}；其余为 C 级（C 级单位由牵头领导对单位负责人履责约谈）。",
        "en": "Rule: A when {a}; B when {b}; otherwise C (the lead leader summons a C unit's head).",
    },
    "grade.op.ge": {"zh": "≥", "en": " ≥ "},
    "grade.op.le": {"zh": "≤", "en": " ≤ "},
    "grade.input.completion": {"zh": "完成率", "en": "completion"},
    "grade.input.on_time": {"zh": "按期率", "en": "on time"},
    "grade.input.reopened": {"zh": "回头看反弹", "en": "slipped back"},
    "grade.input.escalated": {"zh": "约谈提醒", "en": "escalations"},
    "grade.input.milestones_missed": {"zh": "节点逾期", "en": "milestones missed"},
    "grade.milestones": {
        "zh": "本轮整改方案、报告逾期或未报送 {count} 项（计入每个单位）。",
        "en": "The round's plan and report: {count} missed or late (counted for every unit).",
    },
    "grade.line": {
        "zh": "{unit}：完成率 {completion}%（{closed}/{total}），按期率 {on_time}%，反弹 {reopened}，约谈提醒 {escalated} → 建议 <b>{proposed}</b>{decided}",
        "en": "{unit}: completion {completion}% ({closed}/{total}), on time {on_time}%, slipped "
        "{reopened}, escalations {escalated} → proposed <b>{proposed}</b>{decided}",
    },
    "grade.decided": {
        "zh": "；已定 <b>{grade}</b>{reason}",
        "en": "; decided <b>{grade}</b>{reason}",
    },
    "grade.reason": {"zh": "（{reason}）", "en": " ({reason})"},
    "grade.usage": {
        "zh": "协调员可按建议确定，或发送 <code>/grade 单位 等级 理由</code> 另定（与建议不同须写理由），"
        "如 <code>/grade 区发展改革委 B 三项措施逾期</code>。",
        "en": "Coordinators confirm the proposals, or send <code>/grade UNIT GRADE REASON</code> "
        "(a reason is needed to differ), e.g. <code>/grade 区发展改革委 B three measures late</code>.",
    },
    "grade.confirm_button": {
        "zh": "✅ 按建议确定（{count} 个单位）",
        "en": "✅ Confirm the proposals ({count} units)",
    },
    "grade.confirmed": {
        "zh": "✅ 已按建议确定 {count} 个单位的评定。",
        "en": "✅ Grades confirmed for {count} units.",
    },
    "grade.saved": {"zh": "✅ {unit} 评定为 {grade}。", "en": "✅ {unit} graded {grade}."},
    "grade.summoned": {
        "zh": "\n⚖️ 已向牵头领导发送履责约谈提醒：{units}",
        "en": "\n⚖️ Summons reminder sent to the lead leader about: {units}",
    },
    "grade.summons": {
        "zh": "⚖️ <b>履责约谈提醒</b>\n{campaign}：{unit} 整改评定为 C 级（完成率 {completion}%，按期率 {on_time}%；{reason}）。\n"
        "请约谈该单位负责人 {heads}，督促落实整改主体责任。",
        "en": "⚖️ <b>Summons (履责约谈)</b>\n{campaign}: {unit} was graded C (completion "
        "{completion}%, on time {on_time}%; {reason}).\nPlease summon the unit's head, {heads}.",
    },
    "grade.no_head": {"zh": "（未登记单位负责人）", "en": "(no unit head on record)"},
    "grade.by_rule": {"zh": "按评定规则", "en": "by the rule"},
    "error.grade_usage": {
        "zh": "请写 <code>/grade 单位 等级 理由</code>，如 <code>/grade 区发展改革委 B 三项措施逾期</code>。",
        "en": "Write <code>/grade UNIT GRADE REASON</code>, e.g. <code>/grade 区发展改革委 B three "
        "measures late</code>.",
    },
    "error.grade_reason": {
        "zh": "与建议等级（{word}）不同，请在等级后写明理由。",
        "en": "That differs from the proposal ({word}); give the reason after the grade.",
    },
    "error.grade_units": {
        "zh": "有多个单位匹配：{word}。请写全单位名称。",
        "en": "Several units match: {word}. Please give the full name.",
    },
    "cmd.grade": {"zh": "整改评定（A/B/C）", "en": "Grade the units (A/B/C)"},
    "history.task.lookback_started": {"zh": "发起回头看", "en": "Look-back started"},
    "history.task.lookback_held": {
        "zh": "回头看：整改成效保持",
        "en": "Look-back: the rectification holds",
    },
    "history.task.reopened": {
        "zh": "回头看发现反弹，重新打开整改，原因：{reason}",
        "en": "Look-back found it slipped back; reopened: {reason}",
    },
    "cmd.lookback": {
        "zh": "回头看：复查已销号措施",
        "en": "Look-back: re-check signed-off measures",
    },
    "milestone.saved": {"zh": "✅ 已记录。", "en": "✅ Saved."},
    "milestone.heading": {"zh": "<b>整改节点</b>", "en": "<b>Milestones</b>"},
    "milestone.line.upcoming": {
        "zh": "📅 {what}：{due} 到期（还有 {days} 天）",
        "en": "📅 {what}: due {due} ({days} days left)",
    },
    "milestone.line.due_today": {
        "zh": "📅 {what}：今天（{due}）到期",
        "en": "📅 {what}: due today ({due})",
    },
    "milestone.line.missed": {
        "zh": "⚠️ {what}：{due} 到期，逾期 {days} 天未报送",
        "en": "⚠️ {what}: was due {due}, not submitted ({days} days late)",
    },
    "milestone.line.submitted": {
        "zh": "✅ {what}：已于 {on} 报送",
        "en": "✅ {what}: submitted on {on}",
    },
    "milestone.line.submitted_late": {
        "zh": "✅ {what}：已于 {on} 报送（逾期 {late} 天）",
        "en": "✅ {what}: submitted on {on} ({late} days late)",
    },
    "milestone.line.unknown": {
        "zh": "{what}：未设反馈日期，无法计算时限",
        "en": "{what}: no feedback date, so no due date",
    },
    "board.empty": {"zh": "当前没有整改任务。", "en": "There are no tasks yet."},
    # The rhythm
    "checkin.header": {
        "zh": "📋 <b>每周整改进展报送（{period}）</b>\n{name}，您好！以下任务本周尚未报送进展。"
        "可一条消息报送多项，如“1.2 完成50%；第3项 无新进展”；全部按计划推进请点下方按钮：",
        "en": "📋 <b>Weekly progress check-in ({period})</b>\nHello {name}! These tasks have no "
        "report this week yet. One message may cover several, e.g. “1.2 50% done; 第3项 no "
        "change”; if all are on track, tap the button below:",
    },
    "nudge.header": {
        "zh": "⏰ <b>提醒：本周进展尚未报送（{period}）</b>\n{name}，以下任务今天下班前请报送进展：",
        "en": "⏰ <b>Reminder: no report yet this week ({period})</b>\n{name}, please report on "
        "these tasks before the end of today:",
    },
    "checkin.line": {
        "zh": "<b>{number}</b> {measure}（{due}，{percent}%）",
        "en": "<b>{number}</b> {measure} (due {due}, {percent}%)",
    },
    "checkin.problem": {"zh": "📌 {problem}", "en": "📌 {problem}"},
    "unit_head.header": {
        "zh": "📣 <b>上周未报送整改进展的人员（{unit}）</b>",
        "en": "📣 <b>Did not report last week ({unit})</b>",
    },
    "unit_head.line": {"zh": "• {person}：任务 {numbers}", "en": "• {person}: tasks {numbers}"},
    "due7.header": {
        "zh": "📅 <b>整改时限提醒</b>\n以下任务将于 {due} 到期（还有 7 天左右），请抓紧推进：",
        "en": "📅 <b>Deadline reminder</b>\nThese tasks are due on {due} (about a week left):",
    },
    "due1.header": {
        "zh": "⚠️ <b>整改时限提醒</b>\n以下任务明天（{due}）到期，请尽快完成并申请销号：",
        "en": "⚠️ <b>Deadline tomorrow</b>\nThese tasks are due on {due}; please finish and ask for sign-off:",
    },
    "overdue.header": {
        "zh": "🔴 <b>逾期提醒</b>\n以下任务已超过整改时限（{due}）仍未完成：",
        "en": "🔴 <b>Overdue</b>\nThese tasks passed their deadline ({due}) and are not done:",
    },
    "overdue.line": {
        "zh": "• <b>{number}</b> {measure}（{unit}，责任人：{owner}，进度 {percent}%）",
        "en": "• <b>{number}</b> {measure} ({unit}, owner: {owner}, {percent}%)",
    },
    "signoff_pending.header": {
        "zh": "📝 <b>待审核销号提醒</b>\n以下任务提交销号申请已超过 {days} 个工作日，请及时审核：",
        "en": "📝 <b>Sign-offs waiting</b>\nThese tasks have waited more than {days} working days for review:",
    },
    "signoff_pending.line": {
        "zh": "• <b>{number}</b> {measure}（{unit}，{owner}，{since} 提交）",
        "en": "• <b>{number}</b> {measure} ({unit}, {owner}, asked {since})",
    },
    "digest.title": {
        "zh": "📊 <b>整改工作周报（{period}）</b>\n<b>{campaign}</b>",
        "en": "📊 <b>Weekly digest ({period})</b>\n<b>{campaign}</b>",
    },
    "digest.changes": {
        "zh": "已完成措施 {closed}，逾期 {overdue}\n🔴 {red}　🟡 {yellow}　🟢 {green}",
        "en": "Measures completed: {closed}; overdue: {overdue}\n🔴 {red}  🟡 {yellow}  🟢 {green}",
    },
    "digest.kinds": {
        "zh": "上周报送：实质进展 {progress} 项，“按计划推进、无新进展” {no_change} 项",
        "en": "Last week's reports: real progress on {progress}, “on track, no change” on {no_change}",
    },
    "digest.stalled_header": {
        "zh": "⏸ 连续 {weeks} 周仅报“无新进展”的措施（{count} 条）：",
        "en": "⏸ Measures with only “no change” for {weeks} weeks in a row ({count}):",
    },
    "digest.red_header": {"zh": "<b>红灯事项（{count}）</b>", "en": "<b>Red items ({count})</b>"},
    "digest.why_overdue": {"zh": "逾期{days}天", "en": "{days} days overdue"},
    "digest.why_silent": {"zh": "两周未报送", "en": "no report for two weeks"},
    "digest.more": {"zh": "……另有 {count} 项", "en": "… and {count} more"},
    "digest.more_people": {
        "zh": "……另有 {count} 人，请用 /silent 查看完整名单",
        "en": "… and {count} more: /silent lists them all",
    },
    "digest.silent_header": {
        "zh": "<b>上周未报送（{count}人）</b>",
        "en": "<b>Did not report last week ({count})</b>",
    },
    "digest.silent_unit": {
        "zh": "{unit}：{count} 项任务未报送",
        "en": "{unit}: {count} tasks without a report",
    },
    "digest.all_reported": {"zh": "全部按时报送。", "en": "Everyone reported."},
    "digest.chart_title": {"zh": "各单位整改进度", "en": "Progress by unit"},
    "bulletin.title": {
        "zh": "📑 <b>整改工作月度通报（{month}）</b>\n<b>{campaign}</b>",
        "en": "📑 <b>Monthly bulletin ({month})</b>\n<b>{campaign}</b>",
    },
    "bulletin.changes": {
        "zh": "本月新增完成措施 {closed} 条；逾期事项由 {overdue_before} 条变为 {overdue_now} 条。",
        "en": "This month {closed} more measures were completed; overdue items went from "
        "{overdue_before} to {overdue_now}.",
    },
    "bulletin.ranking_header": {
        "zh": "<b>各单位排名</b>（完成/总数，完成率，按期率，逾期，较上月）",
        "en": "<b>Ranking</b> (done/total, completion, on time, overdue, change)",
    },
    "bulletin.rank_line": {
        "zh": "{rank}. {unit}：{closed}/{total}，{completion}%，按期 {on_time}%，逾期 {overdue}，{change}",
        "en": "{rank}. {unit}: {closed}/{total}, {completion}%, on time {on_time}%, overdue {overdue}, {change}",
    },
    "bulletin.overdue_header": {
        "zh": "<b>逾期未完成事项（{count}）</b>",
        "en": "<b>Overdue items ({count})</b>",
    },
    "bulletin.red_listed": {
        "zh": "本月周报共列出红灯事项 {count} 项，其中 {open} 项尚未销号（详见通报附件）。",
        "en": "This month's digests listed {count} red item(s); {open} not yet signed off (see the "
        "attached bulletin).",
    },
    "bulletin.red_line": {
        "zh": "{index}. 【{number}】{measure}（责任单位：{unit}，责任人：{owner}；本月{weeks}次周报列为红灯，"
        "现状：{state}）",
        "en": "{index}. [{number}] {measure} ({unit}, {owner}; red in {weeks} digest(s) this month; "
        "now: {state})",
    },
    "bulletin.rank_rule": {
        "zh": "（按销号率排序，其次逾期条数少者在前，再次按期完成率；三项均相同者并列）",
        "en": "(by completion, then fewer overdue, then punctuality; units equal on all three are tied)",
    },
    "bulletin.tied": {"zh": "并列{rank}", "en": "={rank}"},
    "bulletin.addressee": {"zh": "各责任单位：", "en": "To every responsible unit:"},
    "bulletin.doc_number": {"zh": "〔{year}〕　号", "en": "No. 〔{year}〕 ___"},
    "bulletin.doc_title": {
        "zh": "关于{campaign}整改工作进展情况的通报",
        "en": "Bulletin on the rectification progress of {campaign}",
    },
    "bulletin.issuer": {"zh": "整改工作领导小组办公室", "en": "Rectification leading group office"},
    "bulletin.note": {
        "zh": "各责任单位要对照通报问题，逐项压实责任，对逾期事项限期完成整改，按要求报送整改进展。",
        "en": "Every responsible unit must settle the overdue items and report progress as required.",
    },
    # What an outbox message is (rhythm.Kind and model.Notice values), named to coordinators.
    "message.checkin": {"zh": "周报提醒", "en": "weekly check-in"},
    "message.nudge": {"zh": "催报提醒", "en": "reminder to report"},
    "message.unit_head": {"zh": "单位负责人周提醒", "en": "unit head's weekly notice"},
    "message.digest": {"zh": "每周汇总", "en": "weekly digest"},
    "message.bulletin": {"zh": "月度通报", "en": "monthly bulletin"},
    "message.quarterly": {"zh": "季度总结", "en": "quarterly summary"},
    "message.lookback_due": {"zh": "回头看", "en": "look-back"},
    "message.due7": {"zh": "到期前7天提醒", "en": "7-day deadline reminder"},
    "message.due1": {"zh": "到期前1天提醒", "en": "1-day deadline reminder"},
    "message.overdue": {"zh": "逾期提醒", "en": "overdue notice"},
    "message.signoff_pending": {"zh": "待审核销号提醒", "en": "sign-off reminder"},
    "message.escalation": {"zh": "约谈提醒", "en": "escalation notice"},
    "message.milestone7": {"zh": "整改节点7天提醒", "en": "milestone reminder (7 days)"},
    "message.milestone1": {"zh": "整改节点1天提醒", "en": "milestone reminder (1 day)"},
    "message.milestone0": {"zh": "整改节点到期提醒", "en": "milestone due today"},
    "message.milestone_missed": {"zh": "整改节点逾期提醒", "en": "missed-milestone notice"},
    "message.missed": {"zh": "漏发提醒", "en": "missed-run notice"},
    "message.unreachable": {"zh": "无法联系提醒", "en": "unreachable-person notice"},
    "message.calendar_gap": {"zh": "节假日日历缺失提醒", "en": "holiday-calendar notice"},
    "message.run_failed": {"zh": "定时任务出错提醒", "en": "failed-run notice"},
    "message.ack": {"zh": "进展确认", "en": "report acknowledgement"},
    "message.review": {"zh": "销号审核消息", "en": "sign-off message"},
    "message.extension": {"zh": "延期申请消息", "en": "extension message"},
    "message.lookback": {"zh": "回头看消息", "en": "look-back message"},
    "message.remind": {"zh": "催报消息", "en": "reminder"},
    "message.reassign": {"zh": "任务调整通知", "en": "reassignment notice"},
    "message.summons": {"zh": "履责约谈提醒", "en": "summons notice"},
    "message.gave_up": {"zh": "发送失败通知", "en": "delivery-failure notice"},
    "chart.closed": {"zh": "已销号", "en": "Signed off"},
    "chart.in_progress": {"zh": "整改中", "en": "In progress"},
    "chart.overdue": {"zh": "逾期", "en": "Overdue"},
    "chart.axis": {"zh": "整改措施（条）", "en": "Measures"},
    "chart.empty": {"zh": "暂无整改措施", "en": "No measures yet"},
    "digest.change_week": {"zh": "（较上周{delta}）", "en": " ({delta} vs last week)"},
    "refused.notice": {
        "zh": "⚠️ 一条{kind}被 Telegram 拒收，未能送达（不会重试）：{error}。请检查内容或联系管理员。",
        "en": "⚠️ Telegram refused a {kind} and it was not delivered (no retry will help): "
        "{error}. Please check it or tell the administrator.",
    },
    "gave_up.notice": {
        "zh": "⚠️ 一条 {kind} 消息多次发送失败，已过时效，不再重试：{error}。请检查网络或联系管理员。",
        "en": "⚠️ A {kind} message kept failing and is now too old to send: {error}. Please check the "
        "network or tell the administrator.",
    },
    "run_failed.notice": {
        "zh": "⚠️ 定时任务 {kind}（{period}）执行出错，本次未发送；其他提醒照常。错误已写入日志，请联系管理员。",
        "en": "⚠️ The scheduled {kind} ({period}) failed and was not sent; other reminders go on. "
        "The error is in the log; please tell the administrator.",
    },
    "missed.notice": {
        "zh": "⚠️ <b>提醒未能按时发送</b>\n机器人停止运行期间，以下提醒已超过补发时限（24小时），未发送：\n{runs}",
        "en": "⚠️ <b>Reminders missed</b>\nWhile the bot was down these reminders became too old to "
        "catch up (24 hours) and were not sent:\n{runs}",
    },
    "unreachable.notice": {
        "zh": "🚫 <b>无法送达</b>\n{person}（{unit}）已屏蔽机器人或账号已注销，提醒无法送达。请通过其他方式联系，或发送新的邀请链接。",
        "en": "🚫 <b>Cannot reach</b>\n{person} ({unit}) blocked the bot or deleted the account; reminders "
        "cannot be delivered. Please contact them another way or send a new invite.",
    },
    "calendar_gap.notice": {
        "zh": "📆 <b>节假日数据缺失</b>\n工作日历中没有 {year} 年的法定节假日和调休安排，暂按周一至周五计算。请管理员补充节假日配置文件。",
        "en": "📆 <b>Holiday data missing</b>\nThe working-day calendar has no {year} public holidays or "
        "swapped working days; Monday to Friday is assumed until an admin adds the override file.",
    },
    # Escalation (约谈提醒)
    "escalation.header": {
        "zh": "⚠️ <b>约谈提醒（{period}）</b>\n{name}，您好！以下整改任务已连续 {periods} 个调度周期亮红灯"
        "（逾期或未按时报送进展），建议对责任人进行约谈提醒，督促其按时限整改到位：",
        "en": "⚠️ <b>Escalation ({period})</b>\nDear {name}, the tasks below have been red (overdue or "
        "without progress reports) for {periods} check-in periods in a row. We recommend a formal "
        "talk with the officials responsible (约谈提醒) to have them rectified on time:",
    },
    "escalation.line": {
        "zh": "• <b>{number}</b> {measure}\n　{unit}，责任人：{owner}；时限：{due}；{last}",
        "en": "• <b>{number}</b> {measure}\n  {unit}, owner: {owner}; due {due}; {last}",
    },
    "escalation.last_report": {"zh": "距上次报送 {days} 天", "en": "last report {days} days ago"},
    "escalation.never_reported": {
        "zh": "分派 {days} 天来未报送",
        "en": "no report in the {days} days since assignment",
    },
    # Records: history, ledger, dossier
    "history.title": {
        "zh": "<b>任务 {number} 的处理记录</b>",
        "en": "<b>History of task {number}</b>",
    },
    "history.line": {"zh": "{at} {actor}：{what}", "en": "{at} {actor}: {what}"},
    "history.actor.system": {"zh": "系统", "en": "system"},
    "history.actor.rhythm": {"zh": "系统（定时提醒）", "en": "system (scheduled reminders)"},
    "history.actor.cli": {"zh": "系统管理员（命令行）", "en": "operator (command line)"},
    "history.task.created": {
        "zh": "任务建立（导入整改任务清单）",
        "en": "Task created (task list imported)",
    },
    "history.report": {
        "zh": "报送进展 #{n}{percent}：“{excerpt}”{withdrawn}",
        "en": "Progress report #{n}{percent}: “{excerpt}”{withdrawn}",
    },
    "history.percent": {"zh": "（进度 {percent}%）", "en": " ({percent}%)"},
    "history.no_change_mark": {"zh": "（无新进展）", "en": " (no change)"},
    "history.withdrawn_mark": {"zh": "（已撤回）", "en": " (withdrawn)"},
    "history.evidence": {
        "zh": "提交佐证材料“{name}”（{size}）{stored}",
        "en": "Sent evidence “{name}” ({size}){stored}",
    },
    "history.not_stored": {"zh": "，文件未存档", "en": ", file not stored"},
    "history.report.edited": {"zh": "修改进展 #{n}", "en": "Edited report #{n}"},
    "history.report.edited_text": {
        "zh": "修改进展 #{n}：原为“{old}”，现为“{new}”",
        "en": "Edited report #{n}: was “{old}”, now “{new}”",
    },
    "history.report.edit_refused": {
        "zh": "任务已申请销号或已销号，对进展 #{n} 的修改未生效（已留档）：“{new}”",
        "en": "An edit of report #{n} after the sign-off request was not applied (kept): “{new}”",
    },
    "history.report.assigned": {
        "zh": "将进展 #{n} 归入本任务",
        "en": "Filed report #{n} under this task",
    },
    "history.report.percent_corrected": {
        "zh": "将进展 #{n} 的进度更正为 {percent}%",
        "en": "Corrected report #{n} to {percent}%",
    },
    "history.report.withdrawn": {"zh": "撤回进展 #{n}", "en": "Withdrew report #{n}"},
    "history.task.signoff_requested": {"zh": "申请销号", "en": "Asked for sign-off"},
    "history.task.escalated": {
        "zh": "连续 {periods} 个调度周期亮红灯，已发约谈提醒（{period}）",
        "en": "Red for {periods} check-in periods; escalation sent ({period})",
    },
    "history.task.signed_off": {"zh": "审核通过，予以销号", "en": "Signed off"},
    "history.task.sent_back": {"zh": "退回重新整改，理由：{reason}", "en": "Sent back: {reason}"},
    "history.task.reassigned": {
        "zh": "责任人由 {from} 调整为 {to}",
        "en": "Reassigned from {from} to {to}",
    },
    "history.extension.requested": {
        "zh": "申请延期至 {requested_due}，理由：{reason}",
        "en": "Asked to extend the deadline to {requested_due}: {reason}",
    },
    "history.extension.approved": {
        "zh": "同意延期，整改时限调整为 {new_due}",
        "en": "Extension approved; new deadline {new_due}",
    },
    "history.extension.refused": {
        "zh": "不同意延期，理由：{note}",
        "en": "Extension refused: {note}",
    },
    "history.change": {"zh": "{field} {old}→{new}", "en": "{field} {old}→{new}"},
    "history.change_sep": {"zh": "；", "en": "; "},
    "field.unit": {"zh": "责任单位", "en": "unit"},
    "field.owner": {"zh": "责任人", "en": "official"},
    "field.lead": {"zh": "牵头领导", "en": "lead leader"},
    "field.due": {"zh": "整改时限", "en": "deadline"},
    "field.kind": {"zh": "整改类型", "en": "kind"},
    "field.measure": {"zh": "整改措施", "en": "measure"},
    "field.problem": {"zh": "问题", "en": "problem"},
    "history.task.replanned": {
        "zh": "按导入的工作簿调整计划：{changes}",
        "en": "Plan changed by an import: {changes}",
    },
    "history.person.retired": {"zh": "停用", "en": "Retired"},
    "status.closed_campaign": {"zh": "该整改轮次已关闭", "en": "that round is closed"},
    "history.other": {"zh": "{action}{data}", "en": "{action}{data}"},
    "record.campaign": {"zh": "整改轮次", "en": "Round"},
    "record.number": {"zh": "序号", "en": "Number"},
    "record.category": {"zh": "问题类别", "en": "Category"},
    "record.problem": {"zh": "问题", "en": "Problem"},
    "record.measure": {"zh": "整改措施", "en": "Measure"},
    "record.unit": {"zh": "责任单位", "en": "Unit"},
    "record.owner": {"zh": "责任人", "en": "Owner"},
    "record.lead": {"zh": "牵头领导", "en": "Lead leader"},
    "record.kind": {"zh": "整改类型", "en": "Kind"},
    "record.due": {"zh": "整改时限", "en": "Deadline"},
    "record.status": {"zh": "状态", "en": "Status"},
    "record.percent": {"zh": "进度", "en": "Progress"},
    "record.light": {"zh": "红黄绿灯", "en": "Light"},
    "record.last_report": {"zh": "最近进展", "en": "Last report"},
    "record.last_report_at": {"zh": "最近报送时间", "en": "Last report at"},
    "record.closed_on": {"zh": "销号日期", "en": "Signed off on"},
    "light.red": {"zh": "红灯", "en": "red"},
    "light.yellow": {"zh": "黄灯", "en": "yellow"},
    "light.green": {"zh": "绿灯", "en": "green"},
    "ledger.summary_title": {"zh": "{campaign} 整改台账汇总", "en": "{campaign}: ledger summary"},
    "ledger.generated": {"zh": "生成时间：{at}", "en": "Generated: {at}"},
    "ledger.figure": {"zh": "指标", "en": "Figure"},
    "ledger.value": {"zh": "数值", "en": "Value"},
    "ledger.problems_total": {"zh": "反馈问题（项）", "en": "Problems raised"},
    "ledger.problems_rectified": {"zh": "已完成整改的问题（项）", "en": "Problems rectified"},
    "ledger.tasks_total": {"zh": "整改措施（条）", "en": "Measures"},
    "ledger.tasks_closed": {"zh": "已销号措施（条）", "en": "Measures signed off"},
    "ledger.rate": {"zh": "完成率", "en": "Completion"},
    "ledger.overdue": {"zh": "逾期", "en": "Overdue"},
    "ledger.by_status": {"zh": "按状态", "en": "By status"},
    "ledger.by_kind": {"zh": "按类型", "en": "By kind"},
    "ledger.by_unit": {"zh": "按责任单位", "en": "By unit"},
    "ledger.total": {"zh": "措施数", "en": "Measures"},
    "ledger.closed": {"zh": "已销号", "en": "Signed off"},
    "dossier.title": {"zh": "一事一档：任务 {number}", "en": "Task dossier: {number}"},
    "dossier.reports": {"zh": "进展报送", "en": "Progress reports"},
    "dossier.no_reports": {"zh": "暂无进展报送。", "en": "No progress reports yet."},
    "dossier.report_head": {
        "zh": "#{n}　{at}　{author}{percent}{withdrawn}",
        "en": "#{n}  {at}  {author}{percent}{withdrawn}",
    },
    "dossier.evidence": {"zh": "佐证材料", "en": "Evidence"},
    "dossier.no_evidence": {"zh": "暂无佐证材料。", "en": "No evidence yet."},
    "dossier.file": {"zh": "文件名", "en": "File"},
    "dossier.size": {"zh": "大小", "en": "Size"},
    "dossier.sent": {"zh": "提交人、时间", "en": "Sent by, at"},
    "dossier.where": {"zh": "存档位置", "en": "Where to find it"},
    "dossier.in_part": {"zh": "第 {part} 卷：{path}", "en": "part {part}: {path}"},
    "dossier.not_stored": {
        "zh": "未存档（机器人未保存该文件，如文件过大无法下载）",
        "en": "not stored (the bot did not keep this file, e.g. too big to download)",
    },
    "dossier.too_big": {
        "zh": "文件过大（超过 {limit} MB 的分卷上限），未收入压缩包，请另行调取",
        "en": "too big (over the {limit} MB part limit): not in the archive, fetch it separately",
    },
    "dossier.trail": {"zh": "处理记录", "en": "Audit trail"},
    "dossier.zip_name": {"zh": "一事一档", "en": "dossier"},
    "dossier.doc_name": {"zh": "整改档案", "en": "history"},
    "dossier.generated": {
        "zh": "本档案由整改督办机器人于 {at} 生成。",
        "en": "Generated by the rectification bot on {at}.",
    },
    # Notice parser (issue 5)
    "error.notice_format": {
        "zh": "无法读取“{name}”：这是 {kind} 文件。请另存为 .docx、.txt 或带文字的 PDF 后重新发送。",
        "en": "Cannot read “{name}”: it is a {kind} file. Please save it as .docx, .txt or a PDF with "
        "text and send it again.",
    },
    "error.notice_scanned": {
        "zh": "“{name}”是扫描件，没有可读取的文字层。请发送 .docx 或 .txt 版本（或带文字的 PDF）。",
        "en": "“{name}” is a scan without a text layer; please send it as .docx or .txt (or a PDF with "
        "text).",
    },
    "error.notice_pdf_damaged": {
        "zh": "无法读取 PDF“{name}”：文件已损坏、需要密码，或超过 {pages} 页。请发送 .docx 或 .txt 版本。",
        "en": "Cannot read the PDF “{name}”: it is damaged, password-protected or longer than {pages} "
        "pages. Please send it as .docx or .txt.",
    },
    "error.notice_damaged": {
        "zh": "无法读取“{name}”：文件已损坏、已加密，或解压后过大（超过 {limit_mb} MB 或压缩比异常）。"
        "请用 Word 或 WPS 另存为 .docx 或 .txt 后重新发送。",
        "en": "Cannot read “{name}”: the file is damaged, encrypted or inflates too much (over "
        "{limit_mb} MB or an abnormal compression ratio). Please save it as .docx or .txt in Word "
        "or WPS and send it again.",
    },
    # Why a workbook was rejected (domain/intake/workbook.py): shown in the chat, in the returned
    # workbook's comments and error list, and by the CLI. Column and sheet names stay Chinese:
    # they are the workbook's own headers.
    "wb.not_xlsx": {
        "zh": "文件不是有效的 Excel (.xlsx) 工作簿，请用 Excel 或 WPS 另存为 .xlsx 格式后重新上传",
        "en": "the file is not a valid Excel (.xlsx) workbook; save it as .xlsx in Excel or WPS "
        "and upload it again",
    },
    "wb.old_or_locked": {
        "zh": "文件不是有效的 Excel (.xlsx) 工作簿：它是旧版 Excel 97-2003 (.xls) 文件，或设置了打开密码；"
        "请取消密码并另存为 .xlsx 格式后重新上传",
        "en": "the file is not a valid Excel (.xlsx) workbook: it is an old Excel 97-2003 (.xls) "
        "file or has an opening password; remove the password, save it as .xlsx and upload it "
        "again",
    },
    "wb.too_long": {
        "zh": "内容过长（{length} 字），此列最多 {limit} 字",
        "en": "too long ({length} characters); this column takes at most {limit}",
    },
    "wb.required": {
        "zh": "“{column}”必须填写，此行为空",
        "en": "“{column}” must be filled in; it is empty in this row",
    },
    "wb.no_tasks": {
        "zh": "“整改任务”表中没有任务，请至少填写一行",
        "en": "the “整改任务” sheet has no measures; fill in at least one row",
    },
    "wb.round_item": {
        "zh": "无法识别的项目“{item}”，只能是 {allowed}",
        "en": "unknown item “{item}”; it can only be one of {allowed}",
    },
    "wb.round_twice": {
        "zh": "“{item}”填写了两次，请只保留一行",
        "en": "“{item}” is given twice; keep only one row",
    },
    "wb.round_source": {
        "zh": "类型“{value}”无法识别，只能是 巡视、巡察、审计 或 督查",
        "en": "the kind “{value}” is not recognised; it can only be 巡视, 巡察, 审计 or 督查",
    },
    "wb.round_date": {
        "zh": "日期无法识别：“{value}”，请填写如 2026-11-20 的日期",
        "en": "cannot read the date “{value}”; write a date such as 2026-11-20",
    },
    "wb.round_date_range": {
        "zh": "日期超出合理范围：“{value}”，请检查年份",
        "en": "the date “{value}” is out of range; check the year",
    },
    "wb.ratio": {
        "zh": "文件中的“{member}”压缩比异常（{ratio} 倍），疑似压缩炸弹，已拒绝；请重新用 Excel 另存后上传",
        "en": "“{member}” in the file has an abnormal compression ratio ({ratio}×) and looks like "
        "a zip bomb, so it was refused; save the workbook again in Excel and upload it",
    },
    "wb.inflated": {
        "zh": "文件解压后超过 {limit_mb} MB（约 {total_mb} MB），可能是异常压缩文件或工作簿过大，请精简后重新上传",
        "en": "the file inflates to more than {limit_mb} MB (about {total_mb} MB): an abnormal "
        "archive or a workbook too large; trim it and upload it again",
    },
    "wb.cells": {
        "zh": "单元格过多：工作簿中有 {total} 个单元格（含带格式的空单元格），上限为 {limit}；"
        "每张表最多 {rows} 行，请删除多余的行列后重新上传",
        "en": "too many cells: the workbook stores {total} cells (formatted empty cells count), "
        "the limit is {limit}; each sheet takes at most {rows} rows, delete the extra rows and "
        "columns and upload it again",
    },
    "wb.merged": {
        "zh": "合并单元格范围过大：合并区域共覆盖 {merged} 个单元格，上限为 {limit}；请取消整行、整列的合并后重新上传",
        "en": "merged ranges too large: they cover {merged} cells, the limit is {limit}; unmerge "
        "whole rows and columns and upload it again",
    },
    "wb.no_sheet": {
        "zh": "缺少工作表“{name}”；文件中的工作表有：{found}",
        "en": "the sheet “{name}” is missing; the file's sheets are: {found}",
    },
    "wb.no_sheets": {"zh": "（无）", "en": "(none)"},
    "wb.no_column": {
        "zh": "缺少必填列“{column}”，请在表头行中加上这一列",
        "en": "the required column “{column}” is missing; add it to the header row",
    },
    "wb.too_many_rows": {
        "zh": "行数过多：共 {count} 行数据，每张表最多 {limit} 行，请拆分后分批导入",
        "en": "too many rows: {count} data rows, each sheet takes at most {limit}; split the "
        "file and import it in parts",
    },
    "wb.number_is_date": {
        "zh": "序号被 Excel 识别成了日期：“{value}”，请把序号列设为文本格式后重新填写",
        "en": "Excel turned the 序号 into a date: “{value}”; format the 序号 column as text and "
        "type it again",
    },
    "wb.role_unknown": {
        "zh": "角色“{token}”无法识别，可选：{allowed}",
        "en": "the role “{token}” is not recognised; it can be: {allowed}",
    },
    "wb.role_admin": {
        "zh": "管理员角色只能由系统管理员在命令行或配置中设置",
        "en": "the admin role can only be given by the operator, on the command line or in the "
        "settings",
    },
    "wb.both": {"zh": "{first}；{second}", "en": "{first}; {second}"},
    "wb.telegram": {
        "zh": "Telegram用户名格式不对：“{value}”，应以英文字母开头，由 4–32 位英文字母、数字或下划线组成（可带 @）",
        "en": "the Telegram username “{value}” is malformed: it starts with a letter and has "
        "4–32 letters, digits or underscores (an @ in front is fine)",
    },
    "wb.phone": {
        "zh": "手机号码格式不对：“{value}”，应为 7–15 位数字，可含 +、- 和空格",
        "en": "the phone number “{value}” is malformed: 7–15 digits, with +, - and spaces allowed",
    },
    "wb.kind": {
        "zh": "整改类型“{value}”无法识别，只能是 立行立改、限期整改 或 长期推进",
        "en": "the kind “{value}” is not recognised; it can only be 立行立改, 限期整改 or 长期推进",
    },
    "wb.due_range": {
        "zh": "整改时限超出合理范围：“{value}”，应在 {earliest} 年至 {latest} 年之间",
        "en": "the deadline “{value}” is out of range; it must fall between {earliest} and "
        "{latest}",
    },
    "wb.due_unreadable": {
        "zh": "整改时限无法识别：“{value}”，请填写如 2026-12-31 的日期",
        "en": "cannot read the deadline “{value}”; write a date such as 2026-12-31",
    },
    "wb.due_invalid": {
        "zh": "整改时限不是有效日期：“{value}”，请检查月份和日期",
        "en": "the deadline “{value}” is not a real date; check the month and the day",
    },
    "wb.same_name": {
        "zh": "重名：“{name}”已在第 {row} 行出现（单位：{first_unit}），此行单位为“{unit}”；"
        "请在姓名后加括号注明以区分，如“{name}（{example}）”",
        "en": "same name: “{name}” is already on row {row} (unit: {first_unit}) while this row "
        "says “{unit}”; tell them apart with brackets after the name, e.g. “{name}（{example}）”",
    },
    "wb.empty": {"zh": "空", "en": "empty"},
    "wb.unit_word": {"zh": "单位", "en": "unit"},
    "wb.contact_clash": {
        "zh": "同一人“{name}”的{column}与第 {row} 行不一致：“{new}”与“{old}”",
        "en": "the same person “{name}” has another {column} on row {row}: “{new}” against “{old}”",
    },
    "wb.number_twice": {
        "zh": "序号“{number}”重复，与第 {row} 行相同",
        "en": "the 序号 “{number}” is repeated; row {row} has it too",
    },
    "wb.support_is_lead": {
        "zh": "“{unit}”是本措施的责任单位，不能同时作为配合单位",
        "en": "“{unit}” is the measure's responsible unit and cannot also be a supporting unit",
    },
    "wb.unit_too_long": {
        "zh": "单位名称过长：“{start}…”",
        "en": "unit name too long: “{start}…”",
    },
    "wb.due_written": {"zh": "为“{value}”", "en": " is “{value}”"},
    "wb.due_empty": {"zh": "为空", "en": " is empty"},
    "wb.due_needed": {
        "zh": "整改时限{written}，只有长期推进的任务可以不填日期；“{kind}”的任务请填写如 2026-12-31 的日期",
        "en": "整改时限{written}; only 长期推进 measures may go without a date, a “{kind}” measure "
        "needs a date such as 2026-12-31",
    },
    "wb.unknown_person": {
        "zh": "“{name}”不在人员名单中，请先在“人员”表中添加",
        "en": "“{name}” is not on the list of people; add them to the “人员” sheet first",
    },
}


@dataclass(frozen=True, slots=True)
class Phrase:
    """A catalogue entry with its parameters, said later in the reader's language.

    Domain code that cannot know who will read a sentence (a workbook's rejection reasons are
    shown in the chat, written into the returned workbook, printed by the CLI) returns this.
    A parameter may itself be a Phrase: it is said in the same language.
    """

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: object) -> Phrase:
        """Build a phrase from keyword parameters."""
        return cls(key, tuple(params.items()))

    def render(self, lang: str) -> str:
        """Say it as chat HTML (parameters escaped)."""
        values = {k: Html(v.render(lang)) if isinstance(v, Phrase) else v for k, v in self.params}
        return text(self.key, lang, **values)

    def plain(self, lang: str) -> str:
        """Say it as plain text (a cell comment, a terminal)."""
        return unescaped(
            self.key,
            lang,
            **{k: v.plain(lang) if isinstance(v, Phrase) else v for k, v in self.params},
        )


def _template(key: str, lang: str) -> str:
    entry = CATALOGUE[key]
    return entry[lang] if lang in entry else entry[LANGUAGES[0]]  # an empty text stays empty


def unescaped(key: str, lang: str, /, **params: Any) -> str:
    """Render a catalogue entry as plain text (a workbook cell, a terminal): nothing escaped."""
    return _template(key, lang).format_map(params)


def text(key: str, lang: str, /, **params: Any) -> str:
    """Render a catalogue entry in `lang`, escaping every parameter that is not Html."""
    template = _template(key, lang)
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
