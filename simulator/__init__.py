"""A local Telegram Bot API simulator: an in-process HTTP server plus simulated users."""

from simulator.faults import FaultRule, Faults
from simulator.limits import RateLimits
from simulator.server import BotApiSimulator
from simulator.state import Button, CallbackAnswer, SentFile, SentMessage, SimMessage
from simulator.users import SimChat, SimUser

__all__ = [
    "BotApiSimulator",
    "Button",
    "CallbackAnswer",
    "FaultRule",
    "Faults",
    "RateLimits",
    "SentFile",
    "SentMessage",
    "SimChat",
    "SimMessage",
    "SimUser",
]
