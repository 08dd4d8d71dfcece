with first_orders as (
    select customer_id, min(ordered_at) as first_order_at
    from {{ ref('stg_orders') }}
    group by 1
)

select
    c.customer_id,
    c.company_name,
    c.industry,
    c.region,
    c.plan,
    c.billing_period,
    c.acquisition_channel,
    c.created_at as became_customer_on,
    cast(f.first_order_at as date) as first_invoiced_on,
    c.acquisition_channel = 'sales' as is_sales_led
from {{ ref('stg_customers') }} as c
left join first_orders as f using (customer_id)
