select
    customer_id,
    company_name,
    industry,
    region,
    plan,
    billing_period,
    acquisition_channel,
    cast(created_at as date) as created_at
from {{ ref('raw_customers') }}
