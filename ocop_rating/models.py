"""Imports every model so that SQLAlchemy's metadata (and Alembic) sees the whole schema."""
from .accounts.models import User  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .files.models import StoredFile  # noqa: F401
from .geo.models import Commune, Province  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .producers.models import Producer  # noqa: F401
from .products.models import Product, ProductCodeCounter, ProductPhoto  # noqa: F401
from .dossiers.models import CommuneCheck, Dossier, Evidence, SelfAssessmentClaim  # noqa: F401
from .councils.models import (AdvisoryMember, Conflict, Council, CouncilMember,  # noqa: F401
                              Evaluation, Exclusion, LabTest, Round, ScoreEntry, ScoreSheet)
from .certificates.models import (Certificate, CertificateCounter, Decision,  # noqa: F401
                                  DecisionItem)
from .reevaluation.models import (Inspection, PlanEntry, ReevaluationNotice,  # noqa: F401
                                  ReevaluationPlan)
