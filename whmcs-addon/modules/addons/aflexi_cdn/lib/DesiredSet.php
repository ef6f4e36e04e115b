<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

/**
 * One batch of desired publishers for the engine (`entries`, as Aflexi\Client::sync takes
 * them), with what the addon needs to write the results back: each key's client id and why
 * it is not entitled, and the services that could not be turned into an entry (`problems`).
 */
final class DesiredSet
{
    /** @var list<array<string, string>> */
    public array $entries = [];
    /** @var array<string, int> key => client id */
    public array $clients = [];
    /** @var array<string, ?string> key => why it is desired Suspended (null: Active) */
    public array $reasons = [];
    /** @var array<string, string> key => message */
    public array $problems = [];
    /**
     * Active entries whose publisher the addon has not seen on Aflexi yet (no publisher id on
     * record): key => the pending password stored for it (encrypt()), '' when none yet.
     *
     * @var array<string, string>
     */
    public array $unconfirmed = [];
    /** The highest client id of the batch (null for the batch of orphans). */
    public ?int $lastClient = null;

    /**
     * A set of just these entries (to plan them).
     *
     * @param list<array<string, string>> $entries
     */
    public static function of(array $entries): self
    {
        $set = new self();
        $set->entries = $entries;
        return $set;
    }

    /** @param array<string, string> $entry */
    public function add(array $entry, int $clientId, ?string $why): void
    {
        $this->entries[] = $entry;
        $this->clients[$entry['key']] = $clientId;
        $this->reasons[$entry['key']] = $why;
    }

    public function problem(string $key, int $clientId, string $message): void
    {
        $this->problems[$key] = $message;
        $this->clients[$key] = $clientId;
    }

    /** The same set without the given keys (a run's finished services). */
    public function without(array $doneKeys): self
    {
        $copy = new self();
        foreach ($this->entries as $entry) {
            if (!isset($doneKeys[$entry['key']])) {
                $copy->add($entry, $this->clients[$entry['key']], $this->reasons[$entry['key']]);
                if (isset($this->unconfirmed[$entry['key']])) {
                    $copy->unconfirmed[$entry['key']] = $this->unconfirmed[$entry['key']];
                }
            }
        }
        foreach ($this->problems as $key => $message) {
            if (!isset($doneKeys[$key])) {
                // PHP makes a numeric string key an int.
                $copy->problem((string) $key, $this->clients[$key], $message);
            }
        }
        $copy->lastClient = $this->lastClient;
        return $copy;
    }

    public function isEmpty(): bool
    {
        return $this->entries === [] && $this->problems === [];
    }

    public function count(): int
    {
        return count($this->entries) + count($this->problems);
    }
}
