<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;

/**
 * Showing a publisher's stored password to an admin: only to the roles of the setting
 * "Roles shown passwords" (Settings::passwordRoles, Full Administrator by default), checked
 * here on every request from the admin's role in tbladmins (the page's button is only a
 * convenience), and each time it is shown an audit line in the Activity Log (Activity).
 * The caller has checked the CSRF token (AdminPage: every POST).
 */
final class PasswordView
{
    public function __construct(private readonly Settings $settings)
    {
    }

    /** Whether this admin's role may see stored passwords. */
    public function allowed(int $adminId): bool
    {
        $role = $adminId > 0 ? Capsule::table('tbladmins')->where('id', $adminId)->value('roleid') : null;
        return $role !== null && in_array((int) $role, $this->settings->passwordRoles(), true);
    }

    /**
     * The password of a service's publisher for this admin.
     *
     * @return array{shown: ?array{username: string, set_at: string, password: string}, refused: bool}
     *         refused: the admin's role may not; shown null otherwise: no stored password
     */
    public function show(int $serviceId, int $adminId): array
    {
        if (!$this->allowed($adminId)) {
            return ['shown' => null, 'refused' => true];
        }
        $record = (new Records())->find($serviceId);
        if ($record === null || $record->password === null || $record->password === '') {
            return ['shown' => null, 'refused' => false];
        }
        $admin = (string) Capsule::table('tbladmins')->where('id', $adminId)->value('username');
        Activity::passwordShown($admin, $serviceId, (int) $record->client_id, (string) $record->username);
        return ['shown' => [
            'username' => (string) $record->username,
            'set_at' => (string) $record->password_set_at,
            'password' => (string) decrypt((string) $record->password),
        ], 'refused' => false];
    }
}
