# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""The demo's live training as data: drills written from the manual and a month of sessions.

Read by `courses.demo.live`. A drill's rubric is a list of `criterion` blocks in the shape of
`courses.drills.blocks.RubricBlock`.
"""

from decimal import Decimal

LEAD_TRAINER = "T0001"


TRAINER = "T0002"


LEVELS = ("优秀", "良好", "合格", "不合格")


def _criterion(name: str, weight: int, description: str, descriptors: tuple[str, ...]):
    """A criterion with the usual four levels: 10, 8, 6 and 2 points."""
    points = ("10", "8", "6", "2")
    return (
        "criterion",
        {
            "name": name,
            "description": description,
            "weight": Decimal(weight),
            "levels": [
                {"label": label, "descriptor": text, "points": Decimal(p)}
                for label, text, p in zip(LEVELS, descriptors, points, strict=True)
            ],
        },
    )


DRILL_INDEX = {
    "title": "实战演练",
    "slug": "drills",
    "intro": "<p>模拟实际工作场景，让员工在实战中锻炼客户服务能力（手册6.2.4）。"
    "每个演练由培训师编写，经主培训师审核后发布。</p>",
}


DRILLS = {
    "complaint": {
        "title": "电话投诉：情绪激动的客户",
        "slug": "angry-customer-complaint",
        "module": "service",
        "duration_minutes": 45,
        "target_positions": ["customer_service", "courier"],
        "scenario": "<p>下午三点，一位客户打来电话，语气非常激动：他寄给客户的合同文件承诺次日达，"
        "却已延误两天，查询时又被告知“正在派送”。他要求立即赔偿，并扬言要在社交媒体上投诉。"
        "学员扮演客服人员，按手册第四章受理、分类并跟进这起投诉。</p>",
        "objectives": "耐心倾听，安抚客户情绪，不与客户争辩\n"
        "按“首问负责制”受理投诉，完整记录投诉时间、投诉人信息和投诉事项（4.1.2、4.1.3）\n"
        "正确判断投诉类别（快件延误属运输类投诉，4.2.1），并说明处理措施："
        "延误的快件做顺延处理，根据实际情况提供赔偿（4.3.2、3.3.4）\n"
        "向客户承诺并做到24小时内联系、告知处理进展（4.3.1）",
        "roles": [
            (
                "客户",
                "合同延误两天，情绪激动，多次打断客服；如果客服给出明确的时间承诺，情绪逐渐缓和。",
            ),
            ("客服", "学员扮演。需要安抚情绪、记录信息、判断类别、给出处理方案和回复时间。"),
            ("观察员", "对照评分表记录客服的表现，演练结束后先讲做得好的地方。"),
        ],
        "steps": "培训师介绍场景，分配角色（5分钟）\n"
        "客户来电，客服受理并安抚情绪\n"
        "客服查询快件轨迹，记录投诉要点并判断类别\n"
        "客服说明处理措施和24小时内的回复承诺\n"
        "观察员点评，培训师按评分表打分\n"
        "交换角色再演练一次",
        "materials": "投诉受理登记表\n快件轨迹查询截图（模拟）\n评分表",
        "rubric": [
            _criterion(
                "情绪安抚与倾听",
                3,
                "是否耐心倾听、不打断、不争辩，用语礼貌。",
                (
                    "全程耐心，复述客户诉求，客户情绪明显缓和",
                    "基本耐心，偶有打断",
                    "能保持礼貌，但未能缓和客户情绪",
                    "与客户争辩或语气生硬",
                ),
            ),
            _criterion(
                "信息记录完整",
                2,
                "投诉时间、投诉人信息、运单号、投诉事项是否记录齐全。",
                ("四项信息齐全准确并向客户确认", "信息齐全但未确认", "遗漏一项", "遗漏两项以上"),
            ),
            _criterion(
                "投诉分类与处理措施",
                3,
                "能否按4.2.1正确分类，并提出相应处理措施。",
                (
                    "分类准确，措施具体可行并说明赔偿标准",
                    "分类准确，措施较笼统",
                    "分类有误但措施合理",
                    "未分类或无处理措施",
                ),
            ),
            _criterion(
                "时效承诺",
                2,
                "是否承诺并说明24小时内联系客户、告知进展。",
                (
                    "明确承诺24小时内回复并留下联系方式",
                    "承诺回复但时间不明确",
                    "仅说“尽快处理”",
                    "没有任何承诺",
                ),
            ),
        ],
    },
    "exception": {
        "title": "快件异常：两小时内联系客户",
        "slug": "exception-within-two-hours",
        "module": "process",
        "duration_minutes": 40,
        "target_positions": ["courier", "customer_service", "station_staff"],
        "scenario": "<p>早班分拣时发现一件生鲜快件面单破损、收件电话无法识别，系统显示“异常件”。"
        "按手册3.1.5，快件出现异常时须在2小时内与客户取得联系并提供解决方案。"
        "学员需要在规定时间内查明信息、联系寄件人和收件人，并给出处理方案。</p>",
        "objectives": "识别异常件并在系统中登记异常原因\n"
        "在2小时内联系客户并说明情况（3.1.5）\n"
        "提出可行的解决方案（补录信息、改派、退回）并征得客户同意\n"
        "处理过程留痕，便于后续查询",
        "roles": [
            ("分拣员", "学员扮演，发现并登记异常件，通知客服。"),
            ("客服", "学员扮演，联系寄件人核实收件信息，给出解决方案。"),
            ("寄件人", "愿意配合，但担心生鲜变质，要求当天送达。"),
        ],
        "steps": "培训师发放异常件道具并开始计时\n"
        "分拣员登记异常原因并通知客服\n"
        "客服查询寄件人信息并电话联系\n"
        "双方商定解决方案并在系统中记录\n"
        "培训师核对用时和记录，点评打分",
        "materials": "破损面单道具\n异常件登记表\n计时器\n评分表",
        "rubric": [
            _criterion(
                "异常识别与登记",
                2,
                "异常原因登记是否准确、及时。",
                (
                    "立即登记，原因准确完整",
                    "登记及时，原因略有遗漏",
                    "登记延迟但内容正确",
                    "未登记或原因错误",
                ),
            ),
            _criterion(
                "联系时效",
                3,
                "是否在2小时内（演练中按比例计为20分钟）联系到客户。",
                ("10分钟内联系并说明情况", "20分钟内联系", "超时但最终联系到客户", "未联系客户"),
            ),
            _criterion(
                "解决方案",
                3,
                "方案是否可行、是否征得客户同意。",
                (
                    "给出两种以上方案并由客户选择",
                    "给出可行方案并获同意",
                    "方案可行但未确认客户意见",
                    "没有方案",
                ),
            ),
        ],
    },
    "damaged": {
        "title": "派送时发现快件破损",
        "slug": "damaged-parcel-at-delivery",
        "module": "process",
        "duration_minutes": 30,
        "target_positions": ["courier"],
        "scenario": "<p>快递员上门派送一件家用电器，收件人开门时发现外箱一角凹陷、有液体渗出。"
        "收件人要求当场开箱验货，并表示如有损坏拒绝签收。学员扮演快递员，"
        "按派送规范（手册2.4、3.3.1）处理。</p>",
        "objectives": "主动说明情况，不推诿责任\n"
        "按规范当面开箱验货并拍照留证\n"
        "损坏时办理拒收或部分签收，登记异常并上报\n"
        "告知客户后续处理流程和联系时限",
        "roles": [
            ("快递员", "学员扮演，负责沟通、验货、留证和登记。"),
            ("收件人", "态度坚决但讲道理，关心赔偿和重新发货的时间。"),
        ],
        "steps": "快递员上门，发现外包装破损\n"
        "向收件人说明情况并征求是否开箱验货\n"
        "当面开箱、拍照留证\n"
        "根据验货结果办理签收、拒收或部分签收\n"
        "登记异常并告知客户后续流程\n"
        "培训师点评打分",
        "materials": "破损外箱道具\n手机（拍照）\n签收单\n评分表",
        "rubric": [
            _criterion(
                "沟通态度",
                2,
                "主动、礼貌，不推诿。",
                (
                    "主动说明并致歉，客户感到被尊重",
                    "态度礼貌，说明较被动",
                    "态度一般",
                    "推诿责任或与客户争执",
                ),
            ),
            _criterion(
                "验货留证",
                3,
                "是否当面开箱、拍照留证。",
                (
                    "当面开箱，外箱、内物、面单均拍照",
                    "开箱并拍照，角度不全",
                    "仅拍外箱",
                    "未验货或未留证",
                ),
            ),
            _criterion(
                "签收与登记",
                3,
                "签收方式是否正确，异常是否登记上报。",
                (
                    "签收方式正确，异常当场登记上报",
                    "签收正确，登记延后",
                    "签收方式有误但已登记",
                    "未登记异常",
                ),
            ),
            _criterion(
                "后续告知",
                2,
                "是否告知赔偿流程和联系时限。",
                ("说明流程并承诺2小时内联系", "说明流程但无时限", "只说“等通知”", "未告知"),
            ),
        ],
    },
    "fire": {
        "title": "晚班分拣中心火警",
        "slug": "sorting-centre-fire-alarm",
        "module": "emergency",
        "duration_minutes": 60,
        "target_positions": ["station_staff", "manager", "courier"],
        "scenario": "<p>晚上八点，分拣中心B区传送带附近烟感报警器响起，现场有轻微烟雾，"
        "二十多名员工正在作业。学员分别扮演班组长、分拣员和安全员，"
        "按应急处理要求（手册6.1.4、7.2.3）报警、疏散、初期处置并清点人数。</p>",
        "objectives": "第一时间发现并报告火情，按预案启动应急响应\n"
        "切断传送带电源，正确使用灭火器进行初期处置\n"
        "按疏散路线有序撤离，到集合点清点人数\n"
        "事后报告情况，保护好受影响的快件",
        "roles": [
            ("班组长", "学员扮演，指挥全场：报警、分工、疏散、清点人数、上报。"),
            ("分拣员", "学员扮演，听从指挥撤离，其中一人负责切断电源。"),
            ("安全员", "学员扮演，携带灭火器判断火情并进行初期处置。"),
            ("消防联络员", "培训师扮演，接听报警电话并询问地址和火情。"),
        ],
        "steps": "培训师触发模拟火警\n"
        "班组长确认火情，拨打报警电话并分工\n"
        "切断传送带电源，安全员进行初期处置\n"
        "全员沿疏散路线撤离到集合点\n"
        "班组长清点人数并上报\n"
        "复盘：用时、遗漏和改进",
        "materials": "模拟烟雾器\n训练用灭火器\n疏散路线图\n人员名单\n计时器\n评分表",
        "rubric": [
            _criterion(
                "报警与指挥",
                3,
                "是否及时报警，分工是否清楚。",
                ("1分钟内报警，分工清楚", "报警及时，分工略乱", "报警延迟", "未报警"),
            ),
            _criterion(
                "初期处置",
                2,
                "断电、灭火器使用是否正确。",
                ("断电并正确使用灭火器", "操作基本正确", "操作有明显错误", "未处置或处置危险"),
            ),
            _criterion(
                "疏散与清点",
                3,
                "撤离是否有序，人数是否清点准确。",
                (
                    "3分钟内有序撤离，人数准确",
                    "撤离有序，清点稍慢",
                    "撤离较乱，清点有遗漏",
                    "未清点人数",
                ),
            ),
            _criterion(
                "事后报告",
                2,
                "是否按要求上报情况和受影响的快件。",
                ("报告完整及时", "报告及时但不完整", "报告延迟", "未报告"),
            ),
        ],
    },
}


# Written by T0002, submitted for review, not yet approved.
DRAFT_DRILL = {
    "title": "上门收寄：客户要求寄违禁品",
    "slug": "prohibited-item-at-pickup",
    "module": "process",
    "duration_minutes": 30,
    "target_positions": ["courier"],
    "scenario": "<p>快递员上门收寄时，客户要寄的包裹里有两瓶打火机气体，"
    "客户坚持说“以前都能寄”。学员扮演快递员，按收寄规范（手册2.2、3.3.2）验视并婉拒。</p>",
    "objectives": "按规范开箱验视\n礼貌说明不能收寄的理由\n给出可行的替代建议",
    "roles": [
        ("客户", "着急寄出，对拒收不满。"),
        ("快递员", "学员扮演，验视、说明并给出建议。"),
    ],
    "steps": "上门问好并说明收寄流程\n开箱验视\n说明规定并婉拒\n给出替代建议\n培训师点评打分",
    "materials": "模拟包裹\n禁寄物品目录\n评分表",
    "rubric": [
        _criterion(
            "验视规范",
            5,
            "是否按规范开箱验视。",
            ("主动验视并说明理由", "验视完整", "验视不完整", "未验视"),
        ),
        _criterion(
            "沟通与建议",
            5,
            "是否礼貌说明并给出替代建议。",
            ("说明清楚并给出替代建议", "说明清楚", "说明生硬", "与客户争执"),
        ),
    ],
}


PUDONG, XIHU, TIANHE = "sh-pudong", "hz-xihu", "gz-tianhe"


# (days from today, start, end, kind, title, drill, course slug, required for the course,
#  place, audience units, trainer, capacity, sign-ups wanted)
# Each session's trainer looks after its audience: the lead trainer T0001 the east region
# (浦东, 西湖), T0002 广州天河站.
# fmt: off
SESSIONS = [
    (-13, "09:30", "11:30", "classroom", "新员工入职培训：公司文化与服务宗旨", None,
     "company-culture", False, "上海浦东站二楼培训室", [PUDONG], LEAD_TRAINER, 16, 12),
    (-12, "14:00", "15:00", "drill", "投诉处理实战演练（浦东）", "complaint",
     "customer-service", True, "上海浦东站客服中心", [PUDONG], LEAD_TRAINER, 8, 8),
    (-10, "10:00", "11:00", "sharing", "优秀客服经验分享：如何让愤怒的客户平静下来", None,
     "customer-service", False, "广州天河站二楼培训室", [TIANHE], TRAINER, 30, 10),
    (-8, "14:00", "15:00", "drill", "快件异常处理演练（天河）", "exception",
     "business-process", False, "广州天河站客服中心", [TIANHE], TRAINER, 10, 8),
    (-6, "19:00", "20:30", "drill", "晚班火警应急演练（西湖）", "fire",
     "emergency-handling", True, "杭州西湖站分拣中心B区", [XIHU], LEAD_TRAINER, 12, 9),
    (-5, "09:30", "11:00", "classroom", "业务流程与操作规范：收寄与派送", None,
     "business-process", False, "广州天河站会议室", [TIANHE], TRAINER, 20, 9),
    (-3, "15:00", "16:00", "drill", "派送破损件处理演练（浦东）", "damaged",
     "business-process", False, "上海浦东站派送区", [PUDONG], LEAD_TRAINER, 8, 7),
    (-2, "10:00", "11:00", "sharing", "分拣组经验分享：晚班安全与效率", None,
     None, False, "杭州西湖站会议室", [XIHU], LEAD_TRAINER, 25, 7),
    (2, "14:00", "15:00", "drill", "投诉处理实战演练（第二期）", "complaint",
     "customer-service", True, "上海浦东站客服中心", [PUDONG], LEAD_TRAINER, 6, 9),
    (3, "09:30", "11:30", "classroom", "客户服务知识：沟通技巧与投诉分类", None,
     "customer-service", False, "上海浦东站二楼培训室", [PUDONG, XIHU], LEAD_TRAINER, 20, 8),
    (5, "19:00", "20:30", "drill", "晚班火警应急演练（浦东）", "fire",
     "emergency-handling", True, "上海浦东站分拣区", [PUDONG], LEAD_TRAINER, 10, 6),
    (7, "14:00", "15:00", "sharing", "团队协作分享会：高峰期的配合", None,
     "teamwork-communication", False, "广州天河站会议室", [TIANHE], TRAINER, 30, 5),
    (9, "10:00", "11:00", "drill", "快件异常处理演练（天河）", "exception",
     "business-process", False, "广州天河站客服中心", [TIANHE], TRAINER, 5, 7),
    (12, "09:30", "11:30", "classroom", "应急处理能力培训", None,
     "emergency-handling", False, "杭州西湖站会议室", [XIHU, PUDONG], LEAD_TRAINER, 24, 6),
    (13, "14:00", "15:00", "drill", "派送破损件处理演练（天河）", "damaged",
     None, False, "广州天河站派送区", [TIANHE], TRAINER, 8, 4),
]


# fmt: on

# The description of each session; a drill's names the drill.
SESSION_DESCRIPTION = "请提前10分钟到场签到。"


DRILL_SESSION_DESCRIPTION = "演练：{drill}。" + SESSION_DESCRIPTION

# E1001 takes part in every drill open to them, and in these other sessions (days from today).
LEARNER_ALSO_AT = (3,)


COMMENTS = [
    "安抚情绪做得很好，记录信息时可以再向客户复述确认。",
    "时效意识强，方案清楚；下次注意先致歉再说明原因。",
    "整体表现稳定，建议多练习处理措施的表述。",
]


NOTES = ["表现突出", "可再改进", "注意规范用语"]
