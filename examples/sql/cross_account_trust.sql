-- Roles that another AWS account may assume, and whether an external ID is required.
select r.account_id, r.name as role_name, p.value as trusted_principal,
       json_extract(s.value, '$.Condition.StringEquals."sts:ExternalId"') as external_id
from aws_iam_role r,
     json_each(r.assume_role_policy, '$.Statement') s,
     json_each(s.value, '$.Principal.AWS') p
where p.value not like '%' || r.account_id || '%'
order by r.account_id, r.name;
