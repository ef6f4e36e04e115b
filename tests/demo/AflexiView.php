<?php
/**
 * Aflexi as the demo sees it from outside: the sandbox's own record (/_sandbox/state) of a
 * publisher of the demo's operator, and whether a password logs in (user.get {self} with the
 * password as the secret, as the module's tests prove it).
 */

declare(strict_types=1);

namespace AflexiDemo;

use AflexiModuleTests\Support\RawXmlRpc;
use AflexiTests\Support\SandboxProcess;

final class AflexiView
{
    public function __construct(private readonly SandboxProcess $sandbox, public readonly int $operatorId)
    {
    }

    /**
     * The publisher `<local>/<operatorId>`: id, username, email, name, status (of its link to
     * the operator) and package (name), or null when Aflexi has no such publisher.
     *
     * @return array{id: int, username: string, email: string, name: string, status: string, package: string}|null
     */
    public function publisher(string $local): ?array
    {
        $state = $this->sandbox->state();
        $full = strtolower("$local/{$this->operatorId}");
        foreach ($state['publishers'] ?? [] as $user) {
            if (strtolower((string) $user['username']) !== $full) {
                continue;
            }
            $link = null;
            foreach ($state['links'] ?? [] as $l) {
                if ((int) $l['publisher'] === (int) $user['id'] && (int) $l['operator'] === $this->operatorId) {
                    $link = $l;
                }
            }
            $package = '';
            foreach ($state['packages'] ?? [] as $p) {
                if ($link !== null && (int) $p['id'] === (int) $link['package']) {
                    $package = (string) $p['name'];
                }
            }
            return ['id' => (int) $user['id'], 'username' => (string) $user['username'], 'email' => (string) $user['email'],
                'name' => (string) $user['name'], 'status' => (string) ($link['status'] ?? 'NO LINK'), 'package' => $package];
        }
        return null;
    }

    /** How many publishers the operator has (links of any status). */
    public function publisherCount(): int
    {
        return count($this->sandbox->linksOf($this->operatorId));
    }

    /** Every link of the operator as "publisher:status:package", to compare two moments. */
    public function fingerprint(): string
    {
        $links = array_map(static fn (array $l): string => "{$l['publisher']}:{$l['status']}:{$l['package']}", $this->sandbox->linksOf($this->operatorId));
        sort($links);
        return implode(',', $links);
    }

    public function passwordWorks(string $local, string $password): bool
    {
        $answer = (new RawXmlRpc($this->sandbox->coreUrl()))->call('user.get', ["$local/{$this->operatorId}", $password, ['self' => true]]);
        return !RawXmlRpc::isFault($answer);
    }

    /** "alice_example.com_1200001/3 (#5) ACTIVE, package 'CDN Basic'" */
    public function describe(string $local): string
    {
        $p = $this->publisher($local);
        return $p === null ? "no publisher $local/{$this->operatorId}" : "publisher {$p['username']} (#{$p['id']}) {$p['status']}, package '{$p['package']}'";
    }
}
