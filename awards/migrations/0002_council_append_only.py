"""Triggers that keep what a council decides append-only on PostgreSQL (awards/integrity.py)."""

from django.db import migrations

# What decides is append-only on PostgreSQL, as the audit table is (portal 0002_audit_append_only):
# - ballots, receipts and public comments: no UPDATE, no DELETE; a secret item has no ballot;
# - a secret item's counts: only grow, only while the item is pending, the total always
#   equal to the item's receipts; no DELETE;
# - an agenda item's outcome and tally: set once, from pending, then frozen (and its list of
#   recused members with them);
# - a closed session: status, opening and closing stamps frozen; its seats (attendance)
#   frozen; no deletion. The meeting's own times (started_at, ended_at), title and place stay
#   editable for the minutes.
# `SET session_replication_role = replica` (a superuser) switches these off; what it changes is
# then found by `verify_audit` (awards.integrity.check_against_audit).
APPEND_ONLY_SQL = r"""
CREATE OR REPLACE FUNCTION awards_refuse(msg text) RETURNS void AS $$
BEGIN
    RAISE EXCEPTION '%', msg USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION awards_append_only() RETURNS trigger AS $$
BEGIN
    PERFORM awards_refuse(format('%s is append-only (%s refused)', TG_TABLE_NAME, TG_OP));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS awards_ballot_append_only ON awards_ballot;
CREATE TRIGGER awards_ballot_append_only BEFORE UPDATE OR DELETE ON awards_ballot
    FOR EACH ROW EXECUTE FUNCTION awards_append_only();
DROP TRIGGER IF EXISTS awards_ballotreceipt_append_only ON awards_ballotreceipt;
CREATE TRIGGER awards_ballotreceipt_append_only BEFORE UPDATE OR DELETE ON awards_ballotreceipt
    FOR EACH ROW EXECUTE FUNCTION awards_append_only();
DROP TRIGGER IF EXISTS awards_consultationcomment_append_only ON awards_consultationcomment;
CREATE TRIGGER awards_consultationcomment_append_only
    BEFORE UPDATE OR DELETE ON awards_consultationcomment
    FOR EACH ROW EXECUTE FUNCTION awards_append_only();

CREATE OR REPLACE FUNCTION awards_ballot_open_only() RETURNS trigger AS $$
BEGIN
    IF NEW.member_id IS NULL OR EXISTS (
        SELECT 1 FROM awards_agendaitem WHERE id = NEW.item_id AND secret_ballot
    ) THEN
        PERFORM awards_refuse('awards_ballot: a secret item keeps no ballot row, only counts');
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS awards_ballot_open_only ON awards_ballot;
CREATE TRIGGER awards_ballot_open_only BEFORE INSERT ON awards_ballot
    FOR EACH ROW EXECUTE FUNCTION awards_ballot_open_only();

CREATE OR REPLACE FUNCTION awards_secrettally_guard() RETURNS trigger AS $$
DECLARE
    receipts bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM awards_refuse('awards_secrettally is append-only (DELETE refused)');
    END IF;
    IF TG_OP = 'UPDATE' AND (
        NEW.item_id <> OLD.item_id
        OR NEW.agree < OLD.agree OR NEW.disagree < OLD.disagree OR NEW.abstain < OLD.abstain
    ) THEN
        PERFORM awards_refuse('awards_secrettally: counts only increase');
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM awards_agendaitem
        WHERE id = NEW.item_id AND secret_ballot AND outcome = 'pending'
    ) THEN
        PERFORM awards_refuse('awards_secrettally: the item is concluded or not a secret ballot');
    END IF;
    SELECT count(*) INTO receipts FROM awards_ballotreceipt WHERE item_id = NEW.item_id;
    IF NEW.agree + NEW.disagree + NEW.abstain <> receipts THEN
        PERFORM awards_refuse(format(
            'awards_secrettally: %s votes counted for %s receipts',
            NEW.agree + NEW.disagree + NEW.abstain, receipts
        ));
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS awards_secrettally_guard ON awards_secrettally;
CREATE TRIGGER awards_secrettally_guard BEFORE INSERT OR UPDATE OR DELETE ON awards_secrettally
    FOR EACH ROW EXECUTE FUNCTION awards_secrettally_guard();

CREATE OR REPLACE FUNCTION awards_agendaitem_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.outcome <> 'pending' THEN
            PERFORM awards_refuse('awards_agendaitem: a concluded item cannot be deleted');
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.outcome <> 'pending' AND (
        NEW.outcome IS DISTINCT FROM OLD.outcome
        OR NEW.tally IS DISTINCT FROM OLD.tally
        OR NEW.session_id <> OLD.session_id
        OR NEW.nomination_id <> OLD.nomination_id
        OR NEW.secret_ballot <> OLD.secret_ballot
    ) THEN
        PERFORM awards_refuse('awards_agendaitem: the outcome of a concluded item is final');
    END IF;
    IF OLD.outcome = 'pending' AND NEW.outcome = 'pending'
        AND NEW.tally IS DISTINCT FROM OLD.tally THEN
        PERFORM awards_refuse('awards_agendaitem: the tally is written with the outcome');
    END IF;
    IF NEW.secret_ballot <> OLD.secret_ballot AND EXISTS (
        SELECT 1 FROM awards_ballotreceipt WHERE item_id = OLD.id
    ) THEN
        PERFORM awards_refuse('awards_agendaitem: the ballot kind is fixed once voting began');
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS awards_agendaitem_guard ON awards_agendaitem;
CREATE TRIGGER awards_agendaitem_guard BEFORE UPDATE OR DELETE ON awards_agendaitem
    FOR EACH ROW EXECUTE FUNCTION awards_agendaitem_guard();

CREATE OR REPLACE FUNCTION awards_agendaitem_recused_guard() RETURNS trigger AS $$
DECLARE
    items bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        items := ARRAY[NEW.agendaitem_id];
    ELSIF TG_OP = 'DELETE' THEN
        items := ARRAY[OLD.agendaitem_id];
    ELSE
        items := ARRAY[NEW.agendaitem_id, OLD.agendaitem_id];
    END IF;
    IF EXISTS (
        SELECT 1 FROM awards_agendaitem WHERE outcome <> 'pending' AND id = ANY (items)
    ) THEN
        PERFORM awards_refuse('awards_agendaitem_recused: a concluded item''s recusals are final');
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS awards_agendaitem_recused_guard ON awards_agendaitem_recused;
CREATE TRIGGER awards_agendaitem_recused_guard
    BEFORE INSERT OR UPDATE OR DELETE ON awards_agendaitem_recused
    FOR EACH ROW EXECUTE FUNCTION awards_agendaitem_recused_guard();

CREATE OR REPLACE FUNCTION awards_sessionmember_guard() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM awards_councilsession WHERE id = OLD.session_id AND status = 'closed'))
        OR (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM awards_councilsession WHERE id = NEW.session_id AND status = 'closed'))
    THEN
        PERFORM awards_refuse(format(
            'awards_sessionmember: the seats of a closed session are final (%s refused)', TG_OP
        ));
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS awards_sessionmember_guard ON awards_sessionmember;
CREATE TRIGGER awards_sessionmember_guard BEFORE INSERT OR UPDATE OR DELETE ON awards_sessionmember
    FOR EACH ROW EXECUTE FUNCTION awards_sessionmember_guard();

CREATE OR REPLACE FUNCTION awards_councilsession_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'closed' THEN
            PERFORM awards_refuse('awards_councilsession: a closed session cannot be deleted');
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
        (OLD.status = 'draft' AND NEW.status = 'open')
        OR (OLD.status = 'open' AND NEW.status = 'closed')
    ) THEN
        PERFORM awards_refuse(format(
            'awards_councilsession: status %s -> %s refused', OLD.status, NEW.status
        ));
    END IF;
    IF OLD.status = 'closed' AND (
        NEW.closed_at IS DISTINCT FROM OLD.closed_at
        OR NEW.closed_by_id IS DISTINCT FROM OLD.closed_by_id
        OR NEW.opened_at IS DISTINCT FROM OLD.opened_at
        OR NEW.campaign_id <> OLD.campaign_id
    ) THEN
        PERFORM awards_refuse('awards_councilsession: a closed session is final');
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS awards_councilsession_guard ON awards_councilsession;
CREATE TRIGGER awards_councilsession_guard BEFORE UPDATE OR DELETE ON awards_councilsession
    FOR EACH ROW EXECUTE FUNCTION awards_councilsession_guard();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS awards_ballot_append_only ON awards_ballot;
DROP TRIGGER IF EXISTS awards_ballotreceipt_append_only ON awards_ballotreceipt;
DROP TRIGGER IF EXISTS awards_consultationcomment_append_only ON awards_consultationcomment;
DROP TRIGGER IF EXISTS awards_ballot_open_only ON awards_ballot;
DROP TRIGGER IF EXISTS awards_secrettally_guard ON awards_secrettally;
DROP TRIGGER IF EXISTS awards_agendaitem_guard ON awards_agendaitem;
DROP TRIGGER IF EXISTS awards_agendaitem_recused_guard ON awards_agendaitem_recused;
DROP TRIGGER IF EXISTS awards_sessionmember_guard ON awards_sessionmember;
DROP TRIGGER IF EXISTS awards_councilsession_guard ON awards_councilsession;
DROP FUNCTION IF EXISTS awards_append_only();
DROP FUNCTION IF EXISTS awards_ballot_open_only();
DROP FUNCTION IF EXISTS awards_secrettally_guard();
DROP FUNCTION IF EXISTS awards_agendaitem_guard();
DROP FUNCTION IF EXISTS awards_agendaitem_recused_guard();
DROP FUNCTION IF EXISTS awards_sessionmember_guard();
DROP FUNCTION IF EXISTS awards_councilsession_guard();
DROP FUNCTION IF EXISTS awards_refuse(text);
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(append_only, drop_append_only, elidable=False)]
