"""Ask Warden before your agent acts: allow, deny, or wait for a human. Fails closed.

Standard library only (Python ≥ 3.9)::

    from warden import Warden, ActionDenied

    warden = Warden("https://warden.example.com", api_key=os.environ["WARDEN_AGENT_KEY"])

    with warden.guard("pricing.set_price", resource="sku:LUX-001",
                      input={"sku": "LUX-001", "price": 120.5}) as g:
        g.report(store.set_price("LUX-001", 120.5))     # runs only when Warden allows it

    @warden.guarded("orders.refund")
    def refund(order_id: str, amount: float) -> dict: ...

See README.md beside this package for the whole story.
"""

from .client import Warden
from .errors import (
    ActionDenied,
    ApprovalTimeout,
    ApprovedChangesNotApplied,
    StaleKnowledge,
    WaitCancelled,
    WardenError,
    WardenUnavailable,
)
from .changes import input_to_act_on
from .guard import Guard
from .receipts import ReceiptCheck, canonical_json, fetch_receipt_keys, input_hash, verify_receipt
from .types import (
    ActionAnswer,
    AgentInfo,
    Flag,
    KnowledgeRecord,
    Reason,
    Release,
    ResultAnswer,
    Stage,
)

__version__ = "0.1.0"

__all__ = [
    "Warden",
    "Guard",
    "ActionDenied",
    "ApprovalTimeout",
    "ApprovedChangesNotApplied",
    "StaleKnowledge",
    "WaitCancelled",
    "WardenError",
    "WardenUnavailable",
    "ActionAnswer",
    "AgentInfo",
    "Flag",
    "KnowledgeRecord",
    "Reason",
    "Release",
    "ResultAnswer",
    "Stage",
    "input_to_act_on",
    "ReceiptCheck",
    "canonical_json",
    "fetch_receipt_keys",
    "input_hash",
    "verify_receipt",
    "__version__",
]
