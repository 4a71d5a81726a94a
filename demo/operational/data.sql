-- Deterministic fictional rows for two tenants. The knowledge articles are loaded from
-- demo/corpus/*.md by engine.stack.postgres (one row per file).

INSERT INTO customers (customer_id, tenant, full_name, email, date_of_birth, region)
SELECT format('CUS-%s', 1000 + i),
       CASE WHEN i % 4 = 0 THEN 'northwind-re' ELSE 'acme-insurance' END,
       (ARRAY['Avery', 'Blake', 'Casey', 'Devon', 'Emery', 'Finley', 'Harper', 'Jordan'])[1 + i % 8]
           || ' ' || (ARRAY['Stone', 'Rivers', 'Marsh', 'Hale', 'Brook', 'Fields', 'Wood'])[1 + i % 7],
       format('customer%s@example.test', 1000 + i),
       date '1950-01-01' + (i * 397) % 18000,
       (ARRAY['North', 'South', 'East', 'West', 'Coast'])[1 + i % 5]
FROM generate_series(1, 40) AS i;

INSERT INTO policies (policy_id, tenant, customer_id, product, status, premium, sum_insured, start_date)
SELECT format('POL-%s', 2000 + i),
       c.tenant,
       c.customer_id,
       (ARRAY['home', 'motor', 'pet', 'travel'])[1 + i % 4],
       (ARRAY['active', 'active', 'active', 'lapsed', 'cancelled'])[1 + i % 5],
       round((180 + (i * 37) % 900)::numeric, 2),
       50000 + (i * 7919) % 600000,
       date '2023-01-01' + (i * 11) % 700
FROM generate_series(1, 80) AS i
JOIN customers AS c ON c.customer_id = format('CUS-%s', 1000 + 1 + (i - 1) % 40);

INSERT INTO claims (claim_id, tenant, policy_id, peril, status, amount, reported_on)
SELECT format('CLM-%s', 3000 + i),
       p.tenant,
       p.policy_id,
       (ARRAY['flood', 'storm', 'theft', 'escape of water', 'fire', 'accidental damage'])[1 + i % 6],
       (ARRAY['open', 'settled', 'settled', 'declined'])[1 + i % 4],
       round((250 + (i * 613) % 24000)::numeric, 2),
       date '2024-01-01' + (i * 5) % 500
FROM generate_series(1, 120) AS i
JOIN policies AS p ON p.policy_id = format('POL-%s', 2000 + 1 + (i * 7) % 80);

INSERT INTO applications
    (application_id, tenant, property_type, construction_year, flood_zone, prior_claims, sum_insured, status)
VALUES
    ('APP-1001', 'acme-insurance', 'apartment', 2016, false, 0, 240000, 'received'),
    ('APP-1002', 'acme-insurance', 'detached house', 1924, true, 4, 650000, 'received'),
    ('APP-1003', 'acme-insurance', 'townhouse', 1988, false, 1, 410000, 'received'),
    ('APP-2001', 'northwind-re', 'bungalow', 1972, true, 2, 320000, 'quoted');

INSERT INTO staff (staff_id, full_name, salary) VALUES
    ('STF-1', 'Robin Ashby', 61000),
    ('STF-2', 'Sam Okafor', 58000);
