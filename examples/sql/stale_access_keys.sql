-- Active access keys older than 90 days, with when they were last used.
select account_id, user_name, access_key_id, create_date,
       access_key_last_used_date, access_key_last_used_service
from aws_iam_access_key
where status = 'Active'
  and create_date < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-90 days')
order by create_date;
