from tousu.cases import actions


def hotel_case(h, **extra):
    """A phone complaint registered by the front desk, owned by her: a 消费中 complaint, handled
    at once by whoever took it (a 消费后 one goes to the department head, text 五 六、一)2、)."""
    fields = dict(actor=h.frontdesk, unit=h.units["front_office"], channel="phone", stage="during",
                  subject="退房排队久", description="退房等了半小时", complainant_name="钱先生",
                  complainant_phone="13812345678")
    fields.update(extra)
    return actions.register_case(**fields)


def bank_case(b, **extra):
    fields = dict(actor=b.teller, unit=b.units["outlet_wenyi"], channel="phone", category="wealth",
                  subject="理财产品收益与宣传不符", description="客户来电称理财收益低于宣传",
                  complainant_name="陈女士", complainant_phone="13900002222")
    fields.update(extra)
    return actions.register_case(**fields)


def login(client, user):
    client.force_login(user)
    return client
