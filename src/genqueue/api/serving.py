"""uvicorn's server, told to end the app's event streams as soon as a stop signal comes.

uvicorn waits for open connections to close before it runs the lifespan shutdown, and an
SSE stream never closes by itself: without this, every stop waited out the whole
graceful timeout while a client listened.
"""

from __future__ import annotations

from types import FrameType

import uvicorn

from genqueue.api.state import ApiState


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, state: ApiState) -> None:
        super().__init__(config)
        self.api_state = state

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.api_state.end_streams()
        super().handle_exit(sig, frame)
