"""The demo company: its org units, its people and their accounts."""

import datetime

DEMO_PASSWORD = "demo-pass-2026"


# (code, name, kind, parent code)
ORG_UNITS = [
    ("xj", "迅捷快递有限公司", "company", None),
    ("east", "华东区", "region", "xj"),
    ("south", "华南区", "region", "xj"),
    ("sh-pudong", "上海浦东站", "station", "east"),
    ("hz-xihu", "杭州西湖站", "station", "east"),
    ("gz-tianhe", "广州天河站", "station", "south"),
    ("sz-nanshan", "深圳南山站", "station", "south"),
    ("sh-pudong-pickup", "浦东收派一组", "team", "sh-pudong"),
    ("sh-pudong-service", "浦东客服组", "team", "sh-pudong"),
    ("hz-xihu-pickup", "西湖收派组", "team", "hz-xihu"),
    ("hz-xihu-sorting", "西湖分拣组", "team", "hz-xihu"),
    ("gz-tianhe-pickup", "天河收派组", "team", "gz-tianhe"),
    ("gz-tianhe-service", "天河客服组", "team", "gz-tianhe"),
    ("sz-nanshan-pickup", "南山收派组", "team", "sz-nanshan"),
    ("sz-nanshan-sorting", "南山分拣组", "team", "sz-nanshan"),
]


# The demo accounts listed in the README: (employee number, name, unit, position,
# roles, trainer units, e-mail).
DEMO_ACCOUNTS = [
    ("A0001", "周志远", "xj", "manager", ["Learner", "Administrator"], [], "admin@example.com"),
    ("H0001", "陈静怡", "xj", "hr", ["Learner", "HR"], [], "hr@example.com"),
    (
        "T0001",
        "林海峰",
        "east",
        "trainer",
        ["Learner", "Trainer", "Lead trainer"],
        ["east"],
        "trainer@example.com",
    ),
    ("T0002", "黄丽娟", "south", "trainer", ["Learner", "Trainer"], ["gz-tianhe"], ""),
    ("E1001", "王喆", "sh-pudong-pickup", "courier", ["Learner"], [], "learner@example.com"),
]


# Everyone else: (employee number, name, unit, position)
STAFF = [
    ("E1002", "李堃", "sh-pudong-pickup", "courier"),
    ("E1003", "刘䶮", "sh-pudong-pickup", "courier"),
    ("E1004", "张伟", "sh-pudong-pickup", "courier"),
    ("E1005", "王芳", "sh-pudong-service", "customer_service"),
    ("E1006", "李娜", "sh-pudong-service", "customer_service"),
    ("E1007", "赵磊", "sh-pudong", "station_staff"),
    ("E1008", "孙晓明", "sh-pudong", "manager"),
    ("E1009", "钱俊杰", "hz-xihu-pickup", "courier"),
    ("E1010", "吴婷婷", "hz-xihu-pickup", "courier"),
    ("E1011", "郑浩然", "hz-xihu-pickup", "courier"),
    ("E1012", "冯雪", "hz-xihu-sorting", "station_staff"),
    ("E1013", "陈子豪", "hz-xihu-sorting", "station_staff"),
    ("E1014", "褚佳琪", "hz-xihu-sorting", "station_staff"),
    ("E1015", "卫国强", "hz-xihu", "manager"),
    ("E1016", "蒋梦琪", "gz-tianhe-pickup", "courier"),
    ("E1017", "沈宇航", "gz-tianhe-pickup", "courier"),
    ("E1018", "韩雨桐", "gz-tianhe-pickup", "courier"),
    ("E1019", "杨帆", "gz-tianhe-service", "customer_service"),
    ("E1020", "朱晓燕", "gz-tianhe-service", "customer_service"),
    ("E1021", "秦嘉怡", "gz-tianhe-service", "customer_service"),
    ("E1022", "尤振华", "gz-tianhe", "manager"),
    ("E1023", "许文博", "sz-nanshan-pickup", "courier"),
    ("E1024", "何思琪", "sz-nanshan-pickup", "courier"),
    ("E1025", "吕建国", "sz-nanshan-pickup", "courier"),
    ("E1026", "施慧敏", "sz-nanshan-sorting", "station_staff"),
    ("E1027", "张昊天", "sz-nanshan-sorting", "station_staff"),
    ("E1028", "孔令辉", "sz-nanshan-sorting", "station_staff"),
    ("E1029", "曹颖", "sz-nanshan", "manager"),
    ("E1030", "严明", "sh-pudong-pickup", "courier"),
    ("E1031", "华晓峰", "sh-pudong-service", "customer_service"),
    ("E1032", "金玥", "hz-xihu-pickup", "courier"),
    ("E1033", "魏晨曦", "gz-tianhe-pickup", "courier"),
    ("E1034", "陶然", "sz-nanshan-pickup", "courier"),
    ("E1035", "姜昕", "east", "trainer"),
    ("E1036", "欧阳婧", "xj", "hr"),
    ("E1037", "司马骁", "sz-nanshan-pickup", "courier"),
]


# Leavers, to show that they stay in the records: (employee number, left on)
LEAVERS = [("E1034", datetime.date(2026, 9, 30))]


def hire_date_for(index: int) -> datetime.date:
    """Spread hire dates over the last four years, some within the last month."""
    return datetime.date(2026, 11, 1) - datetime.timedelta(days=(index * 37) % 1460)
