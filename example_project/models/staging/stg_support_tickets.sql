select
    ticket_id,
    customer_id,
    cast(opened_at as timestamp) as opened_at,
    cast(first_response_at as timestamp) as first_response_at,
    cast(resolved_at as timestamp) as resolved_at,
    priority,
    channel,
    csat_score
from {{ ref('raw_support_tickets') }}
