"""The opinion preset's cast (tousu/presets/opinion.toml [[demo.people]]) and a local DingTalk
robot that checks the signature, allowed through the egress guard for the test."""

import pytest

from tests.conftest import _org
from tests.notify.robot_receiver import RobotReceiver
from tousu.notify.models import RobotTarget

SECRET = "SECopinion-robot-secret"


@pytest.fixture
def opinion(db):
    return _org("opinion")


@pytest.fixture
def dingtalk(settings, opinion):
    """The leaders' DingTalk group robot, set up for the whole bureau and the leader role."""
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["127.0.0.1"]
    receiver = RobotReceiver("dingtalk", secret=SECRET)
    RobotTarget.objects.create(name="分局领导钉钉群", kind=RobotTarget.DINGTALK, url=receiver.url, secret=SECRET,
                               unit=opinion.units["bureau"], role="leader")
    yield receiver
    receiver.close()
