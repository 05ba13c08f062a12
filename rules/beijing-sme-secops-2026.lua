-- rules/beijing-sme-secops-2026.lua
--
-- 北京市中小企业公共服务平台网络市级枢纽平台信息化运维服务采购项目 第四包：安全运维
-- The penalty clauses of the reference contract (../shared/seed/), read as
-- ../shared/spec/CONTRACT.md fixes them.  Every rule cites its clause; every
-- threshold is a parameter that `--set NAME=VALUE` can override.  Where the
-- text leaves a hole or an overlap, the rules follow the text and
-- `contract check` reports it.  Choices the spec leaves open: rules/README.md.

contract {
  id = "beijing-sme-secops-2026",
  title = "北京市中小企业公共服务平台网络市级枢纽平台信息化运维服务采购项目 第四包：安全运维",
  currency = "CNY",
  timezone = "+08:00",
  signed = "2026-03-03",                                -- 盖章页：日期 2026年3月3日
  -- 第三条(一) 服务期为自合同签订之日起一年; 民法典第201、202条: the day of
  -- signing is not counted and a year ends on the corresponding day.
  term = { "2026-03-04", "2027-03-04" },                -- [start, end) in +08:00
  clause = "第三条(一)",
}

-- Money ----------------------------------------------------------------------
param { "value", "1719600.00", unit = "money", clause = "第五条(一)", doc = "服务费总额 / contract value" }
param { "base_pct", 10, unit = "%", clause = "附件5/6 表头",
        doc = "取费基数不超过中标金额的10%: the ceiling is taken; 100 gives the other reading" }
param { "cap_pct", 10, unit = "%", clause = "brief: capped at 10% of contract value",
        doc = "total penalties never exceed this share of the contract value" }

penalty_base { pct = P.base_pct, of = P.value, clause = "附件5/6 表头：取费基数不超过项目中标金额的10%" }
cap "term" { window = "term", pct = P.cap_pct, of = P.value, clause = "brief: 10% of contract value" }

-- Thresholds -----------------------------------------------------------------
param { "availability_target", 99.9, unit = "%", clause = "附件5 第1项; 附件6 第1项" }
param { "security_response_low", 15, unit = "min", clause = "附件5 第6项", doc = "大于15分钟" }
param { "security_response_high", 30, unit = "min", clause = "附件5 第6项", doc = "小于30分钟" }
param { "ticket_response_low", 30, unit = "min", clause = "附件5 第7项; 附件6 第5项" }
param { "ticket_response_mid", 60, unit = "min", clause = "附件5 第7项; 附件6 第5、6项" }
param { "ticket_response_high", 120, unit = "min", clause = "附件6 第6项" }
param { "ticket_recovery_low", 30, unit = "min", clause = "附件5 第8项" }
param { "ticket_recovery_mid", 60, unit = "min", clause = "附件5 第8、9项; 附件6 第7项" }
param { "ticket_recovery_high", 120, unit = "min", clause = "附件5 第9项; 附件6 第7、8项" }
param { "ticket_recovery_top", 240, unit = "min", clause = "附件6 第8项" }
param { "outage_long", 120, unit = "min", clause = "附件6 第2项", doc = "宕机2小时以上" }
param { "outage_cluster_window", 7, unit = "d", clause = "附件6 第3项", doc = "在7天内" }
param { "outage_cluster_count", 3, unit = "count", min = 1, clause = "附件6 第3项", doc = "连续宕机3次以上" }
param { "outage_cluster_total", 240, unit = "min", clause = "附件6 第3项", doc = "累计4小时以上" }
param { "onsite_gap_short", 60, unit = "min", clause = "附件5 第10项; 附件6 第9项", doc = "大于1小时" }
param { "onsite_gap_mid", 120, unit = "min", clause = "附件5 第10、11项; 附件6 第9、10项", doc = "2小时" }
param { "onsite_gap_long", 240, unit = "min", clause = "附件5 第11项; 附件6 第10项", doc = "小于4小时" }
param { "score_pass", 60, unit = "points", min = 0, max = 100, clause = "附件5 第12项; 附件6 第11项", doc = "低于60分" }
param { "score_streak", 3, unit = "months", min = 1, clause = "附件5 第12项", doc = "连续3个月" }
param { "security_answer_limit", 120, unit = "min", clause = "附件3 第8项",
        doc = "信息安全事故应急响应时间不超过2小时" }
param { "progress_report_day", 10, unit = "count", min = 1, max = 31, clause = "第八条(七)", doc = "每月10日前" }

-- 附件4 重大安全事故表
param { "a_outage_duration", 480, unit = "min", clause = "附件4 服务中断 A级", doc = "8小时以上" }
param { "a_outage_users", 300, unit = "count", min = 0, clause = "附件4 服务中断 A级", doc = "影响人数300以上" }
param { "a_outage_loss", "1000000", unit = "money", clause = "附件4 服务中断 A级", doc = "100万元以上" }
param { "b_outage_duration_min", 240, unit = "min", clause = "附件4 服务中断 B级", doc = "4个小时以上" }
param { "b_outage_duration_max", 480, unit = "min", clause = "附件4 服务中断 B级", doc = "8小时以内" }
param { "b_outage_users", 100, unit = "count", min = 0, clause = "附件4 服务中断 B级", doc = "影响人数100以上" }
param { "b_outage_loss", "500000", unit = "money", clause = "附件4 服务中断 B级", doc = "50万元以上" }
param { "a_tamper_delay", 60, unit = "min", clause = "附件4 重大篡改 A级", doc = "60分钟以上" }
param { "b_tamper_delay_min", 30, unit = "min", clause = "附件4 重大篡改 B级", doc = "30分钟以上" }
param { "b_tamper_delay_max", 60, unit = "min", clause = "附件4 重大篡改 B级", doc = "60分钟以内" }
param { "a_data_loss_months", 3, unit = "months", min = 0, clause = "附件4 数据丢失 A级", doc = "超过3个月" }
param { "b_data_loss_months", 3, unit = "months", min = 0, clause = "附件4 数据丢失 B级", doc = "3个月以内" }
param { "intrusion_notice_hours", 48, unit = "h", clause = "附件4 恶意入侵", doc = "未在48小时内做有效处置" }

-- 第十四条 termination, 第九条(二) staffing
param { "termination_a_count", 1, unit = "count", min = 1, clause = "第十四条(四)", doc = "A级事故1次" }
param { "termination_b_count", 3, unit = "count", min = 1, clause = "第十四条(四)", doc = "B级事故3次（含）以上" }
param { "termination_staffing_count", 3, unit = "count", min = 1, clause = "第十四条(五)", doc = "累计发生3次以上" }
param { "staff_notice_days", 10, unit = "count", min = 0, clause = "第九条(二)", doc = "提前10日通知" }

-- 第十条 acceptance, 附件7 grades
param { "stability_target", 99, unit = "%", clause = "第十条(二)", doc = "系统稳定性超过99%" }
param { "satisfaction_target", 90, unit = "%", clause = "第十条(二)", doc = "用户满意度超过90%" }
param { "grade_excellent", 90, unit = "points", min = 0, max = 100, clause = "附件7", doc = "90分以上为优秀" }
param { "grade_good", 80, unit = "points", min = 0, max = 100, clause = "附件7", doc = "80分到90分为良好" }
param { "grade_pass", 60, unit = "points", min = 0, max = 100, clause = "附件7", doc = "60分到80分为及格" }

-- 第五条, 第六条, 第三条(二) payments
param { "first_instalment_pct", 70, unit = "%", clause = "第五条(二)2" }
param { "second_instalment_pct", 30, unit = "%", clause = "第五条(二)2" }
param { "instalment_working_days", 20, unit = "count", min = 0, clause = "第五条(二)2", doc = "20个工作日内" }
param { "bond_amount", "171960.00", unit = "money", clause = "第六条(一)", doc = "履约保函 ¥171,960" }
param { "bond_working_days", 30, unit = "count", min = 0, clause = "第六条(一)", doc = "30个工作日内" }
param { "days_per_year", 365, unit = "count", min = 1, clause = "第三条(二)", doc = "holdover days are paid at value / 365" }

-- Impact (CONTRACT.md "Impact") ------------------------------------------------
severity { field = "impact", "none", "incident", "serious" }   -- 无 < 造成事故影响 < 造成严重事故/影响/损失
local SERIOUS = impact "serious"
local NOT_SERIOUS = impact { "none", "incident" }                -- 出现问题但未造成严重影响
local SOME_IMPACT = impact { "incident", "serious" }             -- 造成事故影响
local NO_IMPACT = impact "none"                                   -- 出现问题但未造成影响

-- Provider fault (附件4 因服务商…原因; 第十三条 不可抗力): other events are
-- recorded and count toward no rule and no availability.
local PROVIDER_FAULT = is("provider_fault", true)

-- Events (INTERFACE.md) ----------------------------------------------------------
event "ticket" {
  label = "ticket", anchor = "opened",
  { "opened", "time", required = true },
  { "responded", "time" },
  { "restored", "time" },
  { "impact", "severity" },
  order = { "opened <= responded", "opened <= restored", "responded <= restored" },
}

event "security_event" {
  label = "security event", anchor = "detected",
  { "detected", "time", required = true },
  { "responded", "time" },
  { "impact", "severity" },
  order = { "detected <= responded" },
}

event "outage" {
  label = "outage", anchor = "start", ends = "end",
  { "start", "time", required = true },
  { "end", "time", required = true },
  { "affected_users", "integer", default = 0, min = 0 },
  { "loss", "money", default = 0, min = 0 },
  { "provider_fault", "bool", default = true },
  { "impact", "severity" },
  order = { "start <= end" },
  counts_when = PROVIDER_FAULT,
}

event "onsite_gap" {
  label = "onsite gap", anchor = "start", ends = "end",
  { "start", "time", required = true },
  { "end", "time", required = true },
  { "impact", "severity" },
  order = { "start <= end" },
}

event "tamper" {
  label = "tamper", anchor = "at",
  { "at", "time", required = true },
  { "handled", "time" },
  { "plan_followed", "bool", default = true },
  { "reported", "bool", default = false },
  { "provider_fault", "bool", default = true },
  { "impact", "severity" },
  order = { "at <= handled" },
  counts_when = PROVIDER_FAULT,
}

event "data_loss" {
  label = "data loss", anchor = "at",
  { "at", "time", required = true },
  { "months_lost", "number", required = true, min = 0 },
  { "recoverable", "bool", default = true },
  { "provider_fault", "bool", default = true },
  { "impact", "severity" },
  counts_when = PROVIDER_FAULT,
}

event "intrusion" {
  label = "intrusion", anchor = "at",
  { "at", "time", required = true },
  { "notice", "time" },        -- may fall on either side of `at` (INTERFACE.md)
  { "handled", "time" },
  { "major", "bool", default = false },
  { "reported", "bool", default = false },
  { "provider_fault", "bool", default = true },
  { "impact", "severity" },
  counts_when = PROVIDER_FAULT,
}

event "rectification_notice" {
  label = "rectification notice", anchor = "at",
  { "at", "time", required = true },
  { "handled_correctly", "bool", required = true },
  { "impact", "severity" },
}

-- 附件7 work items: id, 工作项, English name, 满分, weights of 完成时效 / 完成质量 / 文档记录.
local ITEMS = {
  { "security_inspection", "安全巡检", "Security inspection", max = 10, weights = { 0.20, 0.50, 0.30 } },
  -- The text gives 30% + 40% + 20% = 90%: kept as written; `contract check` reports it.
  { "vulnerability_check", "脆弱性检查", "Vulnerability check", max = 5, weights = { 0.30, 0.40, 0.20 } },
  { "hardening", "安全加固", "Hardening", max = 5, weights = { 0.40, 0.40, 0.20 } },
  { "penetration_test", "渗透测试", "Penetration test", max = 5, weights = { 0.20, 0.40, 0.40 } },
  { "special_period_duty", "特殊时期安全值守", "Special-period duty", max = 5, weights = { 0.20, 0.50, 0.30 } },
  { "log_analysis", "日志分析服务", "Log analysis", max = 5, weights = { 0.30, 0.40, 0.30 } },
  { "emergency_drill", "应急演练", "Emergency drill", max = 5, weights = { 0.30, 0.50, 0.20 } },
  { "emergency_response", "应急响应", "Emergency response", max = 5, weights = { 0.50, 0.30, 0.20 } },
  { "website_monitoring", "网站安全监控服务", "Website monitoring", max = 10, weights = { 0.30, 0.50, 0.20 } },
  { "antivirus_update", "病毒库升级服务", "Antivirus update", max = 5, weights = { 0.30, 0.50, 0.20 } },
  { "data_backup", "数据备份服务", "Data backup", max = 5, weights = { 0.40, 0.40, 0.20 } },
  { "self_inspection", "信息安全自查服务", "Security self-inspection", max = 5, weights = { 0.30, 0.40, 0.30 } },
  { "signature_service", "签名验签服务", "Signature service", max = 5, weights = { 0.30, 0.60, 0.10 } },
  { "encryption_service", "加解密服务", "Encryption service", max = 5, weights = { 0.40, 0.50, 0.10 } },
  { "ssl_service", "SSL安全服务", "SSL service", max = 5, weights = { 0.50, 0.40, 0.10 } },
  { "sm2_ov_certificate", "国密OV SSL证书", "SM2 OV SSL certificate", max = 5, weights = { 0.40, 0.50, 0.10 } },
  { "timestamp_service", "时间戳服务", "Timestamp service", max = 5, weights = { 0.50, 0.40, 0.10 } },
  { "app_crypto_integration", "应用接入密码服务", "App crypto integration", max = 5, weights = { 0.40, 0.50, 0.10 } },
}
local ITEM_IDS = {}
for i, item in ipairs(ITEMS) do ITEM_IDS[i] = item[1] end

event "work_item" {
  label = "work item", anchor = "month",
  { "month", "month", required = true },
  { "item", "enum", values = ITEM_IDS, required = true },
  { "timeliness", "fraction", required = true },
  { "quality", "fraction", required = true },
  { "documentation", "fraction", required = true },
}

event "staff_change" {
  label = "staff change", anchor = "at",
  { "at", "time", required = true },
  { "kind", "enum", values = { "replacement", "team_shortfall" }, default = "replacement" },
  { "approved", "bool", default = false },
  { "notice_days", "integer", default = 0, min = 0 },
  { "corrected", "bool", default = true },
}

-- 第十条(三)(1): the review is held within one month after the term.
event "satisfaction" {
  label = "satisfaction survey", anchor = "at", accept = { after_term_months = 1 },
  { "at", "time", required = true },
  { "percent", "number", required = true, min = 0, max = 100 },
}

-- 附件3 deliverables, due over the term (CONTRACT.md "Service obligations").
local DELIVERABLES = {
  { "security_inspection_report", due = 12, clause = "附件3 (一)1 安全巡检" },
  { "vulnerability_report", due = 2, clause = "附件3 (一)2 脆弱性检查" },
  { "hardening_report", due = 2, clause = "附件3 (一)3 安全加固" },
  { "pentest_report", due = 2, clause = "附件3 (一)4 渗透测试" },
  { "log_analysis_report", due = 2, clause = "附件3 (一)6 日志分析" },
  { "drill_report", due = 2, clause = "附件3 (一)7 应急演练" },
  { "plan_revision", due = 2, clause = "附件3 (一)7 应急预案修订" },
  { "antivirus_scan", due = 12, clause = "附件3 (一)10 病毒查杀" },
  { "virus_db_update", due = 12, clause = "附件3 (一)10 病毒库更新" },
  { "backup_differential", due = "daily", clause = "附件3 (一)11 每日进行差异备份" },
  { "backup_full", due = 52, clause = "附件3 (一)11 每周进行全量备份" },
  { "backup_restore_check", due = 12, clause = "附件3 (一)11 每月进行备份验证" },
  { "monthly_progress_report", due = 12, by_day = P.progress_report_day, clause = "第八条(七) 每月10日前" },
}
local DELIVERABLE_KINDS = {}
for i, d in ipairs(DELIVERABLES) do DELIVERABLE_KINDS[i] = d[1] end

event "deliverable" {
  label = "deliverable", anchor = "at",
  { "at", "time", required = true },
  { "kind", "enum", values = DELIVERABLE_KINDS, required = true },
}

-- A protection period counts for the part of [start, end) inside the term.
event "protection_period" {
  label = "protection period", anchor = "start", ends = "end", accept = "overlap", adds_to = "protection",
  { "start", "time", required = true },
  { "end", "time", required = true },
  { "name", "string", required = true },
  order = { "start <= end" },
}

-- 第五条(二): the first instalment counts from the funds' disbursement, which may precede the term.
event "funds_disbursed" {
  label = "funds disbursed", anchor = "at", accept = "from_signing",
  { "at", "time", required = true },
}

-- Calendars ----------------------------------------------------------------------
-- 重保时期 (附件4 注): statutory holidays and major events, whole days in +08:00,
-- bounds included.  The dates are data an administrator must confirm.
calendar "protection" {
  clause = "附件4 注：重保时期包括元旦、春节、清明、五一、端午、中秋、国庆等国家法定节假日与两会、重大活动…",
  note = "dates to be confirmed by the contract administrator",
  { "2026-03-04", "2026-03-12", "两会", note = "approximate: confirm the session dates" },
  { "2026-04-04", "2026-04-06", "清明节" },
  { "2026-05-01", "2026-05-05", "劳动节" },
  { "2026-06-19", "2026-06-21", "端午节" },
  { "2026-09-25", "2026-09-27", "中秋节" },
  { "2026-10-01", "2026-10-07", "国庆节" },
  { "2027-01-01", "2027-01-03", "元旦", note = "2027 schedule not yet published: confirm" },
  { "2027-02-05", "2027-02-13", "春节", note = "2027 schedule not yet published: confirm" },
}

-- Working days (第五条, 第六条): weekends and official days off are off;
-- make-up workdays (调休) on weekends are on.
workdays {
  clause = "国务院办公厅关于2026年部分节假日安排的通知",
  note = "2027 days to be confirmed when the State Council publishes them",
  off = {
    { "2026-04-04", "2026-04-06", "清明节" },
    { "2026-05-01", "2026-05-05", "劳动节" },
    { "2026-06-19", "2026-06-21", "端午节" },
    { "2026-09-25", "2026-09-27", "中秋节" },
    { "2026-10-01", "2026-10-07", "国庆节" },
    { "2027-01-01", "2027-01-03", "元旦", confirm = true },
    { "2027-02-05", "2027-02-13", "春节", confirm = true },
  },
  on = {
    { "2026-05-09", "2026-05-09", "劳动节调休 (周六上班)" },
    { "2026-09-20", "2026-09-20", "国庆节调休 (周日上班)" },
    { "2026-10-10", "2026-10-10", "国庆节调休 (周六上班)" },
  },
}

-- Monthly measures (附件7: assessed monthly) ---------------------------------------
measure "availability" { availability = "outage", label = "availability", unit = "%",
                         clause = "附件5 第1项; 附件6 第1项" }
measure "ticket_response" { average = { "ticket", "opened", "responded" }, unit = "min",
                            label = "average ticket response", clause = "附件5 第7项; 附件6 第5、6项" }
measure "ticket_recovery" { average = { "ticket", "opened", "restored" }, unit = "min",
                            label = "average ticket recovery", clause = "附件5 第8、9项; 附件6 第7、8项" }
measure "security_response" { average = { "security_event", "detected", "responded" }, unit = "min",
                              label = "average security event response", clause = "附件5 第6项" }
measure "open_tickets" { count = "ticket", where = any { absent "responded", absent "restored" },
                         label = "open tickets" }
measure "open_security_events" { count = "security_event", where = absent "responded",
                                 label = "open security events" }
measure "score" { score = true, label = "month score", unit = "points", clause = "附件7" }

month_columns {
  { "availability", "availability" },
  { "ops_response_avg_min", "ticket_response" },
  { "ops_recovery_avg_min", "ticket_recovery" },
  { "security_response_avg_min", "security_response" },
  { "score", "score" },
  { "open_tickets", "open_tickets" },
  { "open_security_events", "open_security_events" },
}

-- 附件7 运维工作评分表 --------------------------------------------------------------
scorecard {
  clause = "附件7",
  on = "work_item", month = "month", item = "item",
  components = {
    { "timeliness", "完成时效", "Timeliness" },
    { "quality", "完成质量", "Quality" },
    { "documentation", "文档记录", "Documentation" },
  },
  items = ITEMS,
  digits = 2,   -- month scores are kept in points, rounded half up before comparison
  -- 90分以上为优秀, 80分到90分为良好, 60分到80分为及格, 60分以下为不及格: the bands
  -- overlap at 60, 80 and 90 (以上/以下/到 include the number); the first,
  -- highest grade that matches wins.
  grades = {
    { "excellent", band = { ge = P.grade_excellent } },
    { "good", band = { ge = P.grade_good, le = P.grade_excellent } },
    { "pass", band = { ge = P.grade_pass, le = P.grade_good } },
    { "fail", band = { le = P.grade_pass } },
  },
}

annual { score = "score", availability = "availability" }

-- 附件5 重大违约行为 (major breaches) ------------------------------------------------
breach "major.1" {
  class = "major", pct = 10, clause = "附件5 第1项",
  text = "所提供的服务可用性低于99.9%，出现问题并造成严重损失的",
  month = "availability", band = { lt = P.availability_target }, impact = SERIOUS,
}
breach "major.2" {
  class = "major", pct = 20, clause = "附件5 第2项",
  text = "因所提供的运维服务出现故障，导致平台数据被篡改，造成严重影响",
  on = "tamper", where = SERIOUS,
}
breach "major.3" {
  class = "major", pct = 20, clause = "附件5 第3项",
  text = "因所提供的运维服务出现故障，导致平台数据丢失，造成严重影响",
  on = "data_loss", where = SERIOUS,
}
breach "major.4" {
  class = "major", pct = 10, clause = "附件5 第4项",
  text = "因所提供的运维服务出现故障，导致平台被入侵，造成严重影响",
  on = "intrusion", where = SERIOUS,
}
breach "major.5" {
  class = "major", pct = 10, clause = "附件5 第5项",
  text = "在安全监管部门已发出整改通知后未正确处置，出现问题并造成严重事故",
  on = "rectification_notice", where = { is("handled_correctly", false), SERIOUS },
}
breach "major.6" {
  class = "major", pct = 10, clause = "附件5 第6项",
  text = "应急事件平均响应时间大于15分钟且小于30分钟，造成严重事故",
  month = "security_response", band = { gt = P.security_response_low, lt = P.security_response_high },
  impact = SERIOUS,
}
breach "major.7" {
  class = "major", pct = 20, clause = "附件5 第7项",
  text = "运维需求平均响应时间大于30分钟且小于60分钟，造成严重事故",
  month = "ticket_response", band = { gt = P.ticket_response_low, lt = P.ticket_response_mid },
  impact = SERIOUS,
}
breach "major.8" {
  class = "major", pct = 10, clause = "附件5 第8项",
  text = "运维需求平均故障恢复时间大于30分钟且小于60分钟，造成严重影响",
  month = "ticket_recovery", band = { gt = P.ticket_recovery_low, lt = P.ticket_recovery_mid },
  impact = SERIOUS,
}
breach "major.9" {
  class = "major", pct = 20, clause = "附件5 第9项",
  text = "运维需求平均故障恢复时间大于60分钟且小于120分钟，造成严重影响",
  month = "ticket_recovery", band = { gt = P.ticket_recovery_mid, lt = P.ticket_recovery_high },
  impact = SERIOUS,
}
breach "major.10" {
  class = "major", pct = 10, clause = "附件5 第10项",
  text = "现场无人值守超过大于1小时且小于2小时，造成事故影响",
  on = "onsite_gap",
  where = { span("start", "end", { gt = P.onsite_gap_short, lt = P.onsite_gap_mid }), SOME_IMPACT },
}
breach "major.11" {
  class = "major", pct = 20, clause = "附件5 第11项",
  text = "现场无人值守超过大于2小时且小于4小时，造成严重事故影响",
  on = "onsite_gap",
  where = { span("start", "end", { gt = P.onsite_gap_mid, lt = P.onsite_gap_long }), SERIOUS },
}
breach "major.12" {
  class = "major", pct = 10, clause = "附件5 第12项",
  text = "连续3个月考核得分低于60分的",
  -- at the 3rd, 6th, ... calendar-consecutive month below 60; an unscored month breaks the run
  month = "score", band = { lt = P.score_pass }, streak = P.score_streak,
}

-- 附件6 一般违约行为 (minor breaches) -------------------------------------------------
breach "minor.1" {
  class = "minor", pct = 5, clause = "附件6 第1项",
  text = "所提供的服务可用性达不到99.9%，出现问题但未造成严重损失的",
  month = "availability", band = { lt = P.availability_target }, impact = NOT_SERIOUS,
}
breach "minor.2" {
  class = "minor", pct = 3, clause = "附件6 第2项",
  text = "因所提供的运维服务出现故障，造成平台宕机2小时以上",
  on = "outage", where = span("start", "end", { ge = P.outage_long }),
}
breach "minor.3" {
  class = "minor", pct = 6, clause = "附件6 第3项",
  text = "因所提供的运维服务出现故障，造成平台在7天内连续宕机3次以上或累计4小时以上",
  on = "outage",
  cluster = { window = P.outage_cluster_window, count_ge = P.outage_cluster_count,
              total_ge = P.outage_cluster_total },
}
breach "minor.4" {
  class = "minor", pct = 5, clause = "附件6 第4项",
  text = "在安全监管部门已发出整改通知后未正确处置，出现问题的，未造成严重影响",
  on = "rectification_notice", where = { is("handled_correctly", false), NOT_SERIOUS },
}
breach "minor.5" {
  class = "minor", pct = 3, clause = "附件6 第5项",
  text = "运维需求平均响应时间大于30分钟且小于60分钟，出现问题但未造成严重影响",
  month = "ticket_response", band = { gt = P.ticket_response_low, lt = P.ticket_response_mid },
  impact = NOT_SERIOUS,
}
breach "minor.6" {
  class = "minor", pct = 5, clause = "附件6 第6项",
  text = "运维需求平均响应时间大于60分钟且小于120分钟，出现问题但未造成严重影响",
  month = "ticket_response", band = { gt = P.ticket_response_mid, lt = P.ticket_response_high },
  impact = NOT_SERIOUS,
}
breach "minor.7" {
  class = "minor", pct = 3, clause = "附件6 第7项",
  text = "运维需求平均故障恢复时间大于60分钟且小于120分钟，出现问题但未造成严重影响",
  month = "ticket_recovery", band = { gt = P.ticket_recovery_mid, lt = P.ticket_recovery_high },
  impact = NOT_SERIOUS,
}
breach "minor.8" {
  class = "minor", pct = 5, clause = "附件6 第8项",
  text = "运维需求平均故障恢复时间大于120分钟且小于240分钟，出现问题但未造成严重影响",
  month = "ticket_recovery", band = { gt = P.ticket_recovery_high, lt = P.ticket_recovery_top },
  impact = NOT_SERIOUS,
}
breach "minor.9" {
  class = "minor", pct = 3, clause = "附件6 第9项",
  text = "现场无人值守超过大于1小时且小于2小时，出现问题但未造成影响",
  on = "onsite_gap",
  where = { span("start", "end", { gt = P.onsite_gap_short, lt = P.onsite_gap_mid }), NO_IMPACT },
}
breach "minor.10" {
  class = "minor", pct = 5, clause = "附件6 第10项",
  text = "现场无人值守超过大于2小时且小于4小时，出现问题但未造成严重影响",
  on = "onsite_gap",
  where = { span("start", "end", { gt = P.onsite_gap_mid, lt = P.onsite_gap_long }), NOT_SERIOUS },
}
breach "minor.11" {
  class = "minor", pct = 4, clause = "附件6 第11项",
  text = "月考核得分低于60分的",
  month = "score", band = { lt = P.score_pass },
}

-- 附件4 重大安全事故表 (incidents: no money of their own; they drive termination) -----
local OUTAGE_A = span("start", "end", { ge = P.a_outage_duration })
incident "A.outage" {
  class = "A", clause = "附件4 服务中断 A级",
  text = "停止服务、网络中断、系统崩溃，造成影响人数300以上或导致100万元以上经济损失，8小时以上",
  on = "outage",
  where = { OUTAGE_A, any { num("affected_users", { ge = P.a_outage_users }), num("loss", { ge = P.a_outage_loss }) } },
}
incident "B.outage" {
  class = "B", clause = "附件4 服务中断 B级",
  text = "造成影响人数100以上或导致50万元以上经济损失，4个小时以上，8小时以内",
  on = "outage", unless = "A.outage",
  where = { span("start", "end", { ge = P.b_outage_duration_min, le = P.b_outage_duration_max }),
            any { num("affected_users", { ge = P.b_outage_users }), num("loss", { ge = P.b_outage_loss }) } },
}
local TAMPER_CASE = { within("at", "protection"), is("plan_followed", false), is("reported", true) }
incident "A.tamper" {
  class = "A", clause = "附件4 重大篡改 A级",
  text = "重大或特别重大保障期间被恶意篡改，未按应急预案处置，被通报或批示，延误60分钟以上",
  on = "tamper",
  where = { all(TAMPER_CASE), span("at", "handled", { ge = P.a_tamper_delay }, { missing = "infinite" }) },
}
incident "B.tamper" {
  class = "B", clause = "附件4 重大篡改 B级",
  text = "重保期间被恶意篡改，未按应急预案处置，被通报或批示，延误30分钟以上，60分钟以内",
  on = "tamper", unless = "A.tamper",
  where = { all(TAMPER_CASE), span("at", "handled", { ge = P.b_tamper_delay_min, le = P.b_tamper_delay_max }) },
}
incident "A.data_loss" {
  class = "A", clause = "附件4 数据丢失 A级",
  text = "数据丢失超过3个月，且确认无法恢复",
  on = "data_loss", where = { is("recoverable", false), num("months_lost", { gt = P.a_data_loss_months }) },
}
incident "B.data_loss" {
  class = "B", clause = "附件4 数据丢失 B级",
  text = "数据丢失3个月以内，且确认无法恢复",
  on = "data_loss", unless = "A.data_loss",
  where = { is("recoverable", false), num("months_lost", { gt = 0, le = P.b_data_loss_months }) },
}
-- A third-party notice not handled within 48 h (handled missing or later), and
-- the incident more than 48 h after the notice, in a protection period.
local INTRUSION_CASE = {
  within("at", "protection"), present "notice",
  span("notice", "handled", { gt = P.intrusion_notice_hours }, { missing = "infinite" }),
  span("notice", "at", { gt = P.intrusion_notice_hours }),
}
incident "A.intrusion" {
  class = "A", clause = "附件4 恶意入侵 A级",
  text = "通报后未在48小时内有效处置，重保期间发生重大网络安全事件，被通报或批示",
  on = "intrusion", where = { all(INTRUSION_CASE), is("major", true), is("reported", true) },
}
incident "B.intrusion" {
  class = "B", clause = "附件4 恶意入侵 B级",
  text = "通报后未在48小时内有效处置，重保期间发生网络安全事件",
  on = "intrusion", unless = "A.intrusion", where = all(INTRUSION_CASE),
}

-- 第九条(二), 第十四条(五): staffing violations
violation "staffing" {
  clause = "第九条(二); 第十四条(五)",
  text = "未经书面同意或未提前10日通知更换项目技术人员，或未按约定提供专业技术人员团队",
  on = "staff_change",
  where = any {
    all { is("kind", "replacement"), any { is("approved", false), num("notice_days", { lt = P.staff_notice_days }) } },
    is("kind", "team_shortfall"),
  },
}

-- 第十四条(四)(五): the right to terminate, with every reason that gives it.
termination {
  { "A_incident", clause = "第十四条(四)", incidents = "A", at_least = P.termination_a_count,
    label = "A-class incident" },
  { "B_incidents", clause = "第十四条(四)", incidents = "B", at_least = P.termination_b_count,
    label = "B-class incidents" },
  { "staffing_violations", clause = "第十四条(五)", violations = "staffing",
    at_least = P.termination_staffing_count, label = "staffing violations" },
  { "staffing_not_corrected", clause = "第十四条(五)", violations = "staffing",
    where = is("corrected", false), at_least = 1, label = "staffing violation not corrected after notice" },
}

-- 附件3 第8项: security events answered within 120 min (a finding, no money).
finding "security_event_slow" {
  clause = "附件3 (一)8 应急响应时间不超过2小时",
  on = "security_event",
  where = span("detected", "responded", { gt = P.security_answer_limit }, { missing = "infinite" }),
}

obligations { on = "deliverable", by = "kind", clause = "附件3; 第八条(七)", table.unpack(DELIVERABLES) }

-- 第十条(二) 验收标准
acceptance {
  clause = "第十条(二)",
  { "stability", measure = "availability", band = { gt = P.stability_target }, clause = "第十条(二) 系统稳定性超过99%" },
  { "incidents", incidents = { "A", "B" }, band = { eq = 0 }, clause = "第十条(二) 全年无重大信息安全事故" },
  { "satisfaction", latest = { "satisfaction", "percent" }, band = { gt = P.satisfaction_target },
    clause = "第十条(二) 用户满意度超过90%" },
}

-- 第五条(二), 第六条(一), 第三条(二)
payments {
  instalments = {
    { pct = P.first_instalment_pct, clause = "第五条(二)2",
      due = { working_days = P.instalment_working_days, after = { "signed", "funds_disbursed" } } },
    { pct = P.second_instalment_pct, clause = "第五条(二)2",
      note = "due 20 working days after acceptance and disbursement: no event gives the acceptance date" },
  },
  bond = { amount = P.bond_amount, clause = "第六条(一)",
           due = { working_days = P.bond_working_days, after = { "signed" } } },
  holdover = { days_per_year = P.days_per_year, clause = "第三条(二)" },
}
