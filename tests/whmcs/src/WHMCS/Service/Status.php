<?php
/**
 * Stand-in for `WHMCS\Service\Status`: the service status names ListAccounts reports (developers.whmcs.com/provisioning-modules/supported-functions).
 */

declare(strict_types=1);

namespace WHMCS\Service;

final class Status
{
    public const PENDING = 'Pending';
    public const ACTIVE = 'Active';
    public const SUSPENDED = 'Suspended';
    public const TERMINATED = 'Terminated';
    public const CANCELLED = 'Cancelled';
    public const FRAUD = 'Fraud';
    public const COMPLETED = 'Completed';
}
