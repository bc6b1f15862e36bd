"""genqueue's Python SDK: `AsyncClient` and its blocking twin `Client`.

```python
from genqueue.client import Client, JobFailed

with Client("http://127.0.0.1:8000", token) as client:
    job_id = client.submit("demo", {"steps": 5}).job_id
    job = client.wait(job_id, timeout=60)        # follows SSE, polls when it must
    print(job.result)
```
"""

from genqueue.client.async_client import AsyncClient
from genqueue.client.errors import (
    ApiError,
    ClientError,
    Conflict,
    ConnectionFailed,
    Forbidden,
    InsufficientCredits,
    InvalidRequest,
    JobCancelled,
    JobError,
    JobFailed,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    WaitTimeout,
)
from genqueue.client.follow import WaitPolicy
from genqueue.client.models import (
    Credits,
    Job,
    JobEvent,
    JobPage,
    JobProgress,
    QueueInfo,
    Submission,
)
from genqueue.client.sync_client import Client
from genqueue.engine.job import JobState

__all__ = [
    "ApiError",
    "AsyncClient",
    "Client",
    "ClientError",
    "Conflict",
    "ConnectionFailed",
    "Credits",
    "Forbidden",
    "InsufficientCredits",
    "InvalidRequest",
    "Job",
    "JobCancelled",
    "JobError",
    "JobEvent",
    "JobFailed",
    "JobPage",
    "JobProgress",
    "JobState",
    "NotFound",
    "QueueInfo",
    "RateLimited",
    "ServerError",
    "Submission",
    "Unauthorized",
    "WaitPolicy",
    "WaitTimeout",
]
