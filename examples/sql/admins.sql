-- Who holds AdministratorAccess directly or through a group, in every account.
select u.account_id, u.name as user_name, 'direct' as via
from aws_iam_user u, json_each(u.attached_policy_arns) p
where p.value = 'arn:aws:iam::aws:policy/AdministratorAccess'
union all
select g.account_id, m.value ->> '$.UserName', 'group ' || g.name
from aws_iam_group g, json_each(g.users) m, json_each(g.attached_policy_arns) p
where p.value = 'arn:aws:iam::aws:policy/AdministratorAccess'
order by 1, 2;
