<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * ListAccounts (Utilities > Server Sync): every publisher of the operator, read page by page,
 * as WHMCS's account fields. Terminated links (status DELETED) are left out. Pages are turned
 * into accounts as they come (Aflexi\PublisherPages), so only one page of publishers is held.
 */
final class AccountList
{
    /** @return array{success: true, accounts: list<array<string, string>>} */
    public static function forServer(Context $context): array
    {
        $pages = $context->client()->publisherPages();
        $serverId = (int) ($context->params['serverid'] ?? 0);
        $createdAt = $context->records()->createdAtByUsername($serverId);
        $now = PublisherRecords::now();
        $statuses = [
            'ACTIVE' => self::status('ACTIVE', 'Active'),
            'SUSPENDED' => self::status('SUSPENDED', 'Suspended'),
        ];
        $accounts = [];
        $publishers = 0;
        while (($page = $pages->next()) !== null) {
            $publishers += count($page);
            foreach ($page as $publisher) {
                $status = $statuses[strtoupper((string) ($publisher['status'] ?? ''))] ?? null;
                if ($status === null) {
                    continue; // DELETED (terminated) or a status WHMCS has no counterpart for
                }
                $username = Usernames::local((string) ($publisher['username'] ?? ''));
                $accounts[] = [
                    'email' => (string) ($publisher['email'] ?? ''),
                    'username' => $username,
                    'domain' => '',
                    'uniqueIdentifier' => $username,
                    'product' => (string) ($publisher['package']['name'] ?? ''),
                    'primaryip' => '',
                    // Aflexi does not say when a publisher was created: when WHMCS linked it, else now.
                    'created' => $createdAt[$username] ?? $now,
                    'status' => $status,
                ];
            }
        }
        $context->note('publishers', $publishers);
        $context->note('accounts', count($accounts));
        return ['success' => true, 'accounts' => $accounts];
    }

    /** WHMCS\Service\Status::<name> when WHMCS has that class, else the plain word. */
    private static function status(string $constant, string $fallback): string
    {
        $name = 'WHMCS\\Service\\Status::' . $constant;
        return class_exists('WHMCS\\Service\\Status') && defined($name) ? (string) constant($name) : $fallback;
    }
}
