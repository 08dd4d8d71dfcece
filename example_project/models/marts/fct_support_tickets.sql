with tickets as (
    select
        *,
        case priority
            when 'urgent' then 60
            when 'high' then 240
            when 'normal' then 480
            else 1440
        end as sla_minutes
    from {{ ref('stg_support_tickets') }}
)

select
    ticket_id,
    customer_id,
    opened_at,
    cast(opened_at as date) as opened_on,
    cast(resolved_at as date) as resolved_on,
    priority,
    channel,
    sla_minutes,
    {{ dbt.datediff('opened_at', 'first_response_at', 'second') }} / 60.0 as first_response_minutes,
    {{ dbt.datediff('opened_at', 'first_response_at', 'second') }} / 60.0 <= sla_minutes as met_first_response_sla,
    resolved_at is not null as is_resolved,
    case when resolved_at is not null
        then {{ dbt.datediff('opened_at', 'resolved_at', 'second') }} / 3600.0
    end as resolution_hours,
    csat_score
from tickets
