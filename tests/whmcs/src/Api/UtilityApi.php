<?php
/**
 * SendEmail, EncryptPassword, DecryptPassword and LogActivity (developers.whmcs.com/api-reference/sendemail, developers.whmcs.com/api/internal-api).
 */

declare(strict_types=1);

namespace WhmcsHarness\Api;

use WhmcsHarness\ActivityLog;
use WhmcsHarness\Crypto;
use WhmcsHarness\Email\Mailer;

final class UtilityApi
{
    /** SendEmail: see Email\Mailer::sendEmail. */
    public static function sendEmail(array $v): array
    {
        return Mailer::sendEmail($v);
    }

    /** EncryptPassword: `password2` -> `password` (a new ciphertext each time). */
    public static function encryptPassword(array $v): array
    {
        return ['result' => 'success', 'password' => Crypto::encrypt((string) ($v['password2'] ?? ''))];
    }

    /** DecryptPassword: `password2` -> `password` (garbage for anything that is not a ciphertext, as decrypt()). */
    public static function decryptPassword(array $v): array
    {
        return ['result' => 'success', 'password' => Crypto::decrypt((string) ($v['password2'] ?? ''))];
    }

    /** LogActivity: `description`, optional `clientid` (8.0 name; `userid` before). */
    public static function logActivity(array $v): array
    {
        ActivityLog::log((string) ($v['description'] ?? ''), (int) ($v['clientid'] ?? $v['userid'] ?? 0));
        return ['result' => 'success'];
    }
}
