-- Console users without MFA, per account, oldest password use first.
select a.ou_path, a.name as account, u.name as user_name, u.password_last_used
from aws_iam_user u
join aws_organizations_account a on a.id = u.account_id
where u.login_profile is not null and u.mfa_enabled = 0
order by u.password_last_used;
