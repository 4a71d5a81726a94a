-- Harbor Mutual's operational data (fictional). Run by the owner role in database `governor_ops`.
-- Every table that holds tenant data has a `tenant` column: the governed SQL step injects
-- `tenant = '<tenant>'` for each of them into every generated query. Column classifications
-- (public / internal / pii) and table classifications live in catalog.yaml beside this file.

CREATE TABLE customers (
    customer_id   text PRIMARY KEY,
    tenant        text NOT NULL,
    full_name     text NOT NULL,
    email         text NOT NULL,
    date_of_birth date NOT NULL,
    region        text NOT NULL
);

CREATE TABLE policies (
    policy_id   text PRIMARY KEY,
    tenant      text NOT NULL,
    customer_id text NOT NULL REFERENCES customers (customer_id),
    product     text NOT NULL CHECK (product IN ('home', 'motor', 'pet', 'travel')),
    status      text NOT NULL CHECK (status IN ('active', 'lapsed', 'cancelled')),
    premium     numeric(10, 2) NOT NULL,
    sum_insured integer NOT NULL,
    start_date  date NOT NULL
);

CREATE TABLE claims (
    claim_id    text PRIMARY KEY,
    tenant      text NOT NULL,
    policy_id   text NOT NULL REFERENCES policies (policy_id),
    peril       text NOT NULL,
    status      text NOT NULL CHECK (status IN ('open', 'settled', 'declined')),
    amount      numeric(12, 2) NOT NULL,
    reported_on date NOT NULL
);

CREATE TABLE applications (
    application_id    text PRIMARY KEY,
    tenant            text NOT NULL,
    property_type     text NOT NULL,
    construction_year integer NOT NULL,
    flood_zone        boolean NOT NULL,
    prior_claims      integer NOT NULL,
    sum_insured       integer NOT NULL,
    status            text NOT NULL CHECK (status IN ('received', 'quoted', 'declined'))
);

-- The knowledge base: the demo corpus, one row per article. Debezium streams its changes into
-- docs.raw; `version` goes up on every update (the trigger below), so re-indexing is idempotent.
CREATE TABLE articles (
    article_id text PRIMARY KEY CHECK (article_id ~ '^[A-Za-z0-9._:-]+$'),
    title      text NOT NULL,
    body       text NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Debezium's DELETE events then carry the whole old row (id and version for the tombstone).
ALTER TABLE articles REPLICA IDENTITY FULL;

CREATE FUNCTION articles_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER articles_version BEFORE UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_bump_version();

-- Staff records: classified restricted, readable by no tenant's generated SQL.
CREATE TABLE staff (
    staff_id  text PRIMARY KEY,
    full_name text NOT NULL,
    salary    integer NOT NULL
);
