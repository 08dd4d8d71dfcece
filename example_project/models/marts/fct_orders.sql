with orders as (
    select
        *,
        row_number() over (partition by customer_id order by ordered_at, order_id) as invoice_number
    from {{ ref('stg_orders') }}
)

select
    order_id,
    customer_id,
    ordered_at,
    cast(ordered_at as date) as ordered_on,
    plan,
    billing_period,
    order_status,
    invoice_number = 1 as is_first_invoice,
    amount as gross_amount,
    -- Only completed invoices are recognised revenue; refunded and cancelled ones are not.
    case when order_status = 'completed' then amount else 0 end as recognized_amount,
    case when order_status = 'refunded' then amount else 0 end as refunded_amount
from orders
