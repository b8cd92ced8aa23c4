"""Request bodies the API tests share."""


def complaint(**over) -> dict:
    """A valid create body for the hotel's front office (registered by `frontdesk`): a 消费中
    complaint, which stays with the front desk to handle at once (a 消费后 one goes to the
    department head at registration, text 五 六、一)2、)."""
    return {"unit": "front_office", "channel": "phone", "stage": "during", "category": "hygiene",
            "subject": "房间有异味", "description": "入住期间房间有烟味", "complainant_name": "张先生",
            "complainant_phone": "13800001234", "complainant_email": "zhang@example.com", **over}
