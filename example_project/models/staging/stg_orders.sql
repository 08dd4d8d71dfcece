select
    order_id,
    customer_id,
    cast(ordered_at as timestamp) as ordered_at,
    plan,
    billing_period,
    cast(amount as decimal(12, 2)) as amount,
    currency,
    lower(status) as order_status
from {{ ref('raw_orders') }}
