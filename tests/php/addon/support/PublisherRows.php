<?php
/**
 * Publisher records in bulk for the publishers page's tests and bench: $n clients, each with one
 * record in the addon's table as a sync leaves it (username, package, status, an encrypted
 * password, sometimes an error), inserted 1,000 rows a statement. No Aflexi call is made: the
 * page and the export read only the addon's table and tblclients.
 */

declare(strict_types=1);

namespace AflexiAddonTests\Support;

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema;

final class PublisherRows
{
    public const PACKAGES = ['bronze', 'gold', 'silver'];
    /** The password every filled record holds (encrypted), so a test can look for it in an answer. */
    public const PASSWORD = 'FilledPassw0rd42';

    /**
     * Record $i (0-based) is `pub<i>` of client "Bench Client <i>" <bench<i>@example.com>,
     * service id $firstService + $i, package PACKAGES[i % 3], SUSPENDED when i % 10 == 9 (else
     * ACTIVE), with an error when i % 50 == 49. Returns the client ids in order.
     *
     * @return list<int>
     */
    public static function fill(int $n, int $firstService = 100000): array
    {
        $password = encrypt(self::PASSWORD);
        $now = date('Y-m-d H:i:s');
        $clientIds = [];
        for ($start = 0; $start < $n; $start += 1000) {
            $end = min($n, $start + 1000);
            $clients = [];
            for ($i = $start; $i < $end; $i++) {
                $clients[] = ['firstname' => 'Bench', 'lastname' => "Client $i", 'email' => "bench$i@example.com",
                    'status' => 'Active', 'currency' => 1, 'datecreated' => date('Y-m-d')];
            }
            $before = (int) Capsule::table('tblclients')->max('id');
            Capsule::table('tblclients')->insert($clients);
            $ids = Capsule::table('tblclients')->where('id', '>', $before)->orderBy('id')->pluck('id')->map(static fn ($v): int => (int) $v)->all();
            $records = [];
            foreach ($ids as $k => $clientId) {
                $i = $start + $k;
                $records[] = ['service_id' => $firstService + $i, 'client_id' => $clientId, 'publisher_id' => 5000000 + $i,
                    'username' => "pub$i", 'package' => self::PACKAGES[$i % 3], 'status' => $i % 10 === 9 ? 'SUSPENDED' : 'ACTIVE',
                    'password' => $password, 'password_set_at' => $now, 'last_sync' => $now,
                    'last_error' => $i % 50 === 49 ? "API timeout on pub$i" : null, 'created_at' => $now, 'updated_at' => $now];
            }
            Capsule::table(Schema::PUBLISHERS)->insert($records);
            array_push($clientIds, ...$ids);
        }
        return $clientIds;
    }
}
