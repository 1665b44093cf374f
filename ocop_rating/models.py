"""Imports every model so that SQLAlchemy's metadata (and Alembic) sees the whole schema."""
from .accounts.models import RecoveryCode, User  # noqa: F401
from .api.tokens import ApiToken  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .certificates.models import Certificate, CertificateCounter, Decision, DecisionItem  # noqa: F401
from .councils.models import (  # noqa: F401
                              AdvisoryMember,
                              Conflict,
                              Council,
                              CouncilMember,
                              Evaluation,
                              Exclusion,
                              LabTest,
                              Round,
)
from .dossiers.models import CommuneCheck, Dossier, Evidence, SelfAssessmentClaim  # noqa: F401
from .evaluation.models import Rescore, ScoreEntry, ScoreSheet, SealedResult  # noqa: F401
from .files.models import StoredFile  # noqa: F401
from .geo.models import Commune, Province  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .producers.models import Producer  # noqa: F401
from .oversight.models import CentralReview, OversightEvaluation, OversightSheet  # noqa: F401
from .products.models import Product, ProductCodeCounter, ProductPhoto  # noqa: F401
from .reevaluation.models import Inspection, PlanEntry, ReevaluationNotice, ReevaluationPlan  # noqa: F401
from .surveillance.models import (  # noqa: F401
                                  MarketReport,
                                  SalesPoint,
                                  ShowcaseHide,
                                  SurveillancePhoto,
                                  TradeCheck,
)
