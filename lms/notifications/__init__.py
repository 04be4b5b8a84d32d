"""Notifications: one service for everything the product tells people, over their channels.

Apps register their kinds of event (`registry.register`) and call `services.notify`; the
inbox shows each notification at once, the task workers deliver it by e-mail, DingTalk and
WeCom (tasks.py), at most once per person and event, retried with back-off when a channel fails.
"""
