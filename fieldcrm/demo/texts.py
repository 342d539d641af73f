"""What field people write: visit objectives and reports, subjects, job notes.

Each phrase comes in the two languages the demo company works in, keyed by
whether the account is in a Chinese-speaking region.
"""

from __future__ import annotations

INDUSTRIES = (
    "Manufacturing", "Retail", "Healthcare", "Hospitality", "Construction", "Food & Beverage",
    "Logistics", "Agriculture", "Education", "Energy", "Automotive", "Public Sector",
)
SEGMENTS = ("key account", "enterprise", "mid-market", "small business")
# Visit every N days: key accounts weekly or fortnightly, small ones quarterly.
SEGMENT_FREQUENCY = {
    "key account": (7, 14), "enterprise": (14, 30), "mid-market": (30, 60), "small business": (60, 90),
}
TITLES = {
    False: ("Purchasing Manager", "Operations Director", "Plant Manager", "Owner", "CFO",
            "Facilities Manager", "Maintenance Lead", "Office Manager", "Buyer", "General Manager"),
    True: ("采购经理", "运营总监", "厂长", "总经理", "财务总监", "设备经理", "维修主管", "行政经理", "采购员", "董事长"),
}
OBJECTIVES = {
    False: ("Quarterly business review", "Present the new service plan", "Collect feedback on last delivery",
            "Introduce the new product line", "Negotiate the renewal", "Site survey for installation",
            "Follow up on the open quote", "Relationship visit", "Demo of the replacement unit"),
    True: ("季度业务回顾", "介绍新的服务方案", "收集上次交付的反馈", "推介新产品线", "续约谈判",
           "安装前现场勘察", "跟进未结报价", "客户关系拜访", "演示替换设备"),
}
REPORTS = {
    False: ("Met the buyer; interested in a bigger order next quarter.",
            "Walked the site, two units due for replacement. Quote to follow.",
            "Customer happy with service response times. Asked for training.",
            "Competitor offered a lower price; we hold on quality and uptime.",
            "Decision postponed until budget approval in the next month.",
            "Signed the maintenance renewal on the spot.",
            "Nobody from purchasing available; left brochures with reception."),
    True: ("见了采购，下季度有意加大订单。", "查看了现场，两台设备需要更换，随后报价。",
           "客户对服务响应时间满意，希望安排培训。", "竞争对手报价更低，我们坚持质量和可靠性。",
           "预算下月审批后再做决定。", "当场签订了维保续约。", "采购不在，资料留给了前台。"),
}
ACTIVITY_SUBJECTS = {
    "call": {False: ("Call about delivery date", "Follow-up call", "Call to confirm the visit"),
             True: ("电话确认交货日期", "电话跟进", "电话确认拜访时间")},
    "meeting": {False: ("Meeting with the plant manager", "Budget meeting", "Kick-off meeting"),
                True: ("与厂长会谈", "预算会议", "项目启动会")},
    "email": {False: ("Sent price list", "Sent the quote", "Sent the case study"),
              True: ("发送价格表", "发送报价单", "发送案例资料")},
    "task": {False: ("Prepare the proposal", "Check credit status", "Update the contact list"),
             True: ("准备方案书", "核查信用额度", "更新联系人")},
    "note": {False: ("Prefers visits before 10 am", "New purchasing manager from next month"),
             True: ("客户希望上午十点前拜访", "下月起更换采购经理")},
}
NEXT_STEPS = {
    False: ("Send the revised quote", "Book a demo", "Meet the decision maker", "Site survey",
            "Wait for budget approval", "Prepare the contract"),
    True: ("发送修改后的报价", "预约演示", "拜访决策人", "现场勘察", "等待预算批准", "准备合同"),
}
LOST_REASONS = {
    False: ("Price too high", "Chose a competitor", "Project cancelled", "No budget this year"),
    True: ("价格过高", "选择了竞争对手", "项目取消", "今年没有预算"),
}
DEAL_THEMES = {
    False: ("Fleet renewal", "Service contract", "New line", "Expansion", "Replacement", "Upgrade"),
    True: ("设备更新", "服务合同", "新产线", "扩建", "设备替换", "升级改造"),
}
JOB_TITLES = {
    "installation": {False: "Install {product}", True: "安装{product}"},
    "repair": {False: "Repair {product}", True: "维修{product}"},
    "maintenance": {False: "Scheduled maintenance: {product}", True: "定期保养：{product}"},
    "inspection": {False: "Safety inspection", True: "安全检查"},
}
PROBLEMS = {
    False: ("Unit stops after a few minutes", "Loud noise on start-up", "Leaking at the main valve",
            "Error code E42 on the display", "Pressure drops under load", "Annual check due"),
    True: ("设备运行几分钟后停机", "启动时噪音大", "主阀漏水", "显示屏报错E42", "负载下压力下降", "年度检查到期"),
}
RESOLUTIONS = {
    False: ("Replaced the seal and tested under load.", "Cleaned the filter, recalibrated sensor.",
            "Replaced the control board; firmware updated.", "No fault found; trained the operator."),
    True: ("更换密封件并做了负载测试。", "清洗过滤器，重新校准传感器。", "更换控制板并升级固件。", "未发现故障，已培训操作员。"),
}
CHECKLIST = {
    False: ("Isolate power", "Check pressure", "Inspect seals", "Clean filter", "Test run",
            "Customer sign-off"),
    True: ("断电隔离", "检查压力", "检查密封件", "清洗过滤器", "试运行", "客户签字确认"),
}
