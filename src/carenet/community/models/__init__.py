"""Models of the community app, one module per noun."""

from carenet.community.models.implementation import (
    Evidence,
    EvidenceKind,
    Implementation,
    StageProgress,
    StageStatus,
)
from carenet.community.models.readiness import (
    SCORE_MAX,
    SCORE_MIN,
    DimensionScore,
    KeyInformantInterview,
    ReadinessAssessment,
)
from carenet.community.models.reference import (
    ChecklistItem,
    CommunitySector,
    CrmDimension,
    CrmEdition,
    CrmStage,
    CrmStageAction,
    ImplementationStage,
    Programme,
    SupportOffer,
)
from carenet.community.models.sessions import (
    OPEN_STATUSES,
    ActionItem,
    ActionStatus,
    SessionParticipation,
    StrategicSession,
)
from carenet.community.models.spaces import ChecklistAnswer, SupportSpace

__all__ = [
    "OPEN_STATUSES",
    "SCORE_MAX",
    "SCORE_MIN",
    "ActionItem",
    "ActionStatus",
    "ChecklistAnswer",
    "ChecklistItem",
    "CommunitySector",
    "CrmDimension",
    "CrmEdition",
    "CrmStage",
    "CrmStageAction",
    "DimensionScore",
    "Evidence",
    "EvidenceKind",
    "Implementation",
    "ImplementationStage",
    "KeyInformantInterview",
    "Programme",
    "ReadinessAssessment",
    "SessionParticipation",
    "StageProgress",
    "StageStatus",
    "StrategicSession",
    "SupportOffer",
    "SupportSpace",
]
