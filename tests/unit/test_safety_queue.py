from datetime import timedelta

from bot.safety_queue.rules import CRITICAL_ALERTED, DAY_ALERTED, due_alert

H = timedelta(hours=1)


def test_thresholds():
    assert due_alert("contact", 1.9 * H, 0, reviewed=False) is None
    assert due_alert("contact", 2 * H, 0, reviewed=False) == CRITICAL_ALERTED
    assert due_alert("contact", 2 * H, 0, reviewed=True) is None  # reviewed: only the day alert is left
    assert due_alert("contact", 3 * H, CRITICAL_ALERTED, reviewed=False) is None
    assert due_alert("contact", 24 * H, CRITICAL_ALERTED, reviewed=False) == DAY_ALERTED
    assert due_alert("other", 23 * H, 0, reviewed=False) is None
    assert due_alert("other", 24 * H, 0, reviewed=False) == DAY_ALERTED
    assert due_alert("other", 99 * H, DAY_ALERTED, reviewed=False) is None
