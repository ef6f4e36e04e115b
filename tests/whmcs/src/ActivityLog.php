<?php
/**
 * `logActivity()` and the LogActivity API (developers.whmcs.com/advanced/logging, developers.whmcs.com/api-reference/logactivity): a line in the Activity Log
 * (tblactivitylog), always on. The user column says which admin was acting
 * ($_SESSION['adminid']) or "System".
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ActivityLog
{
    public static function log(string $description, int $clientId = 0): void
    {
        $adminId = (int) ($_SESSION['adminid'] ?? 0);
        $user = $adminId > 0
            ? (string) (Capsule::table('tbladmins')->where('id', $adminId)->value('username') ?? 'System')
            : 'System';
        Capsule::table('tblactivitylog')->insert([
            'date' => date('Y-m-d H:i:s'),
            'description' => $description,
            'user' => $user,
            'userid' => $clientId,
            'admin_id' => $adminId,
            'ipaddr' => (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
        ]);
    }
}
