"""office pages at national scale (issue 13): the counts of the re-evaluation pipeline and of
the dossiers list read from indexes alone

Revision ID: 0031_count_indexes
Revises: 0030_office_indexes
Create Date: 2026-12-06 22:30:00

The pipeline counts its four sections and groups its months over every live certificate in a
range of expiry dates; with the expiry index alone each row was read from the table (SQLite:
8-10 ms a query at national scale). ``ix_certificates_expiry_cover`` (the nation) and
``ix_certificates_province_expiry_cover`` (a province; it replaces 0029's
``ix_certificates_province_expiry``) hold every column those counts and the filters read (the
nation's also the province: the statistics page counts valid certificates by province and
star), so both engines count from the index; ``id`` second keeps the pages' order
(expires_on, id), so they also replace the plain expiry index. The few certificates kept
valid past expiry (the transition rule) have a partial index of their own,
``ix_certificates_extended``. The same key columns on both engines: SQLite has no INCLUDE,
and after the unique ``id`` the trailing columns never order anything, as INCLUDE columns
would not on PostgreSQL.

The dossiers list counts what a user sees per province (the ministry) or per commune (a
province office), and counts the pager: ``ix_dossiers_province_status`` and
``ix_dossiers_status_province`` serve them without the table. ``ix_dossiers_product_filed``
answers the pipeline's "re-evaluation filed since issue" (the latest filed dossier of a
product) from the index; it replaces the plain ``ix_dossiers_product_id`` (PostgreSQL keeps
``id`` in INCLUDE for index-only scans; SQLite has the rowid in every index).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031_count_indexes'
down_revision = '0030_office_indexes'
branch_labels = None
depends_on = None

EXPIRY_COVER = ["expires_on", "id", "revoked_at", "superseded_by_id", "extended_until",
                "product_id", "issued_on", "set_no", "star"]
EXTENDED = "extended_until IS NOT NULL"


def upgrade():
    op.create_index("ix_certificates_expiry_cover", "certificates",
                    [*EXPIRY_COVER, "province_code"])
    op.create_index("ix_certificates_province_expiry_cover", "certificates",
                    ["province_code", *EXPIRY_COVER, "commune_code"])
    op.create_index("ix_certificates_extended", "certificates",
                    ["extended_until", "expires_on", "revoked_at", "superseded_by_id",
                     "province_code", "commune_code", "set_no", "star"],
                    sqlite_where=sa.text(EXTENDED), postgresql_where=sa.text(EXTENDED))
    op.drop_index("ix_certificates_province_expiry", table_name="certificates")
    op.drop_index("ix_certificates_expires_on", table_name="certificates")

    op.create_index("ix_dossiers_province_status", "dossiers",
                    ["province_code", "status", "commune_code"])
    op.create_index("ix_dossiers_status_province", "dossiers",
                    ["status", "province_code", "commune_code"])
    op.create_index("ix_dossiers_product_filed", "dossiers",
                    ["product_id", "submitted_at", "kind", "status"],
                    postgresql_include=["id"])
    op.drop_index("ix_dossiers_product_id", table_name="dossiers")


def downgrade():
    op.create_index("ix_dossiers_product_id", "dossiers", ["product_id"])
    op.drop_index("ix_dossiers_product_filed", table_name="dossiers")
    op.drop_index("ix_dossiers_status_province", table_name="dossiers")
    op.drop_index("ix_dossiers_province_status", table_name="dossiers")

    op.create_index("ix_certificates_expires_on", "certificates", ["expires_on"])
    op.create_index("ix_certificates_province_expiry", "certificates",
                    ["province_code", "expires_on"])
    op.drop_index("ix_certificates_extended", table_name="certificates")
    op.drop_index("ix_certificates_province_expiry_cover", table_name="certificates")
    op.drop_index("ix_certificates_expiry_cover", table_name="certificates")
