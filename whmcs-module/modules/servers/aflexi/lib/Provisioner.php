<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * The module's operations on one service's CDN account. Each reads what WHMCS knows, makes
 * one call of the extension (which holds every rule), and writes the outcome back to the
 * service's record (status, package, last sync, last error).
 *
 * Every operation but Create acts on the RECORDED publisher id; when a service has no record
 * (installed before the module kept records, or imported), the publisher is looked up once by
 * the username rule and recorded. "Not found on Aflexi" is an error an administrator sees,
 * except for Terminate, where gone is done.
 */
final class Provisioner
{
    public function __construct(private readonly Context $context)
    {
    }

    /**
     * Create: creates the publisher, or brings back (revives) one that already exists under
     * this username, e.g. after a Terminate. The final username and a generated password are
     * written to tblhosting before this returns, so that the welcome e-mail shows them.
     *
     * @return array{username: string, outcome: string, publisher_id: int, generated_password: bool}
     */
    public function create(ServiceData $service): array
    {
        return $this->tracked($service, function () use ($service): array {
            if ($service->email === '') {
                throw new ModuleError(sprintf(
                    'Aflexi CDN: the client #%d has no e-mail address, which Aflexi requires for every CDN account. Add an e-mail address to the client profile, then run Create again.',
                    $service->clientId
                ));
            }
            $username = $service->aflexiUsername();
            $package = $service->packageName();
            $password = $service->password;
            $generated = null;
            if (trim($password) === '') {
                $password = $generated = \Aflexi\generate_password();
                $this->context->secrets->add($generated);
            }
            // Recorded before anything exists on Aflexi, and again as soon as it does.
            $this->records()->begin($service, $username, $package);
            $created = $this->client()->createPublisher([
                'username' => $username,
                'email' => $service->email,
                'name' => $service->displayName(),
                'password' => $password,
                'package' => $package,
            ]);
            $publisher = $created['publisher'];
            $this->records()->linked($service, $publisher);
            $final = Usernames::local((string) ($publisher['username'] ?? '')) ?: $username;
            self::writeCredentials($service->serviceId, $final, $generated);
            $this->context->note('outcome', $created['outcome']);
            $this->context->note('publisher_id', $publisher['id']);
            return [
                'username' => $final,
                'outcome' => (string) $created['outcome'],
                'publisher_id' => (int) $publisher['id'],
                'generated_password' => $generated !== null,
            ];
        });
    }

    /** Suspend: 'applied' or 'already_done'. */
    public function suspend(ServiceData $service): string
    {
        return $this->tracked($service, function () use ($service): string {
            $result = $this->client()->suspend($this->publisherId($service));
            $this->records()->synced($service->serviceId, PublisherRecords::SUSPENDED);
            return $this->noted($result);
        });
    }

    /** Unsuspend: 'applied' or 'already_done'. */
    public function unsuspend(ServiceData $service): string
    {
        return $this->tracked($service, function () use ($service): string {
            $result = $this->client()->activate($this->publisherId($service));
            $this->records()->synced($service->serviceId, PublisherRecords::ACTIVE);
            return $this->noted($result);
        });
    }

    /** Terminate: 'deleted' or 'already_gone' (a publisher that does not exist is gone: done). */
    public function terminate(ServiceData $service): string
    {
        return $this->tracked($service, function () use ($service): string {
            $id = $this->publisherId($service, true);
            $result = $id === null ? 'already_gone' : $this->client()->terminate($id);
            if ($id === null) {
                $this->records()->save($service->serviceId, [
                    'server_id' => $service->serverId, 'client_id' => $service->clientId,
                ]);
            }
            $this->records()->synced($service->serviceId, PublisherRecords::DELETED);
            return $this->noted($result);
        });
    }

    /** Change Package: moves the publisher to the product's package: 'applied' or 'already_done'. */
    public function changePackage(ServiceData $service): string
    {
        return $this->tracked($service, function () use ($service): string {
            $package = $service->packageName();
            $result = $this->client()->changePackage($this->publisherId($service), $package);
            $this->records()->synced($service->serviceId, null, $package);
            $this->context->note('package', $package);
            return $this->noted($result);
        });
    }

    /** Change Password: sets the service's (new) password on the publisher. */
    public function changePassword(ServiceData $service): void
    {
        $this->tracked($service, function () use ($service): void {
            if ($service->password === '') {
                throw new ModuleError('Aflexi CDN: the service has no password to set. Enter a password on the service, then run Change Password again.');
            }
            $this->client()->changePassword($this->publisherId($service), $service->password);
            $this->records()->synced($service->serviceId, null);
        });
    }

    /**
     * Resync: re-reads the publisher from Aflexi (by the recorded id, else by the username
     * rule) and records what Aflexi has.
     *
     * @return array<string, mixed> the publisher
     */
    public function resync(ServiceData $service): array
    {
        return $this->tracked($service, function () use ($service): array {
            $record = $this->records()->find($service->serviceId);
            $publisher = null;
            if ($record !== null && $record->publisher_id !== null) {
                try {
                    $publisher = $this->client()->getPublisher((int) $record->publisher_id);
                } catch (\Aflexi\NotFoundException) {
                    $publisher = null;
                }
            }
            if ($publisher === null) {
                $username = $this->lookupUsername($service, \Aflexi\publisher_of_service(null, $record?->username ?? ''));
                $publisher = $this->client()->findPublisher($username);
                if ($publisher === null) {
                    throw new \Aflexi\NotFoundException(sprintf('the CDN account "%s" (publisher #%s) not found on Aflexi', $username, $record->publisher_id ?? '?'));
                }
            }
            $this->records()->linked($service, $publisher);
            $this->context->note('status', $publisher['status'] ?? null);
            return $publisher;
        });
    }

    /**
     * The publisher id the service acts on, by the extension's rule
     * (Aflexi\publisher_of_service): the recorded one; without it, the publisher found (once)
     * by username, which is then recorded.
     */
    private function publisherId(ServiceData $service, bool $missingIsNull = false): ?int
    {
        $record = $this->records()->find($service->serviceId);
        $way = \Aflexi\publisher_of_service($record?->publisher_id, $record?->username ?? '');
        if ($way['by'] === 'id') {
            $this->context->note('publisher_id', (int) $way['publisher_id']);
            return (int) $way['publisher_id'];
        }
        $username = $this->lookupUsername($service, $way);
        $publisher = $this->client()->findPublisher($username);
        if ($publisher === null) {
            if ($missingIsNull) {
                return null;
            }
            throw new \Aflexi\NotFoundException(sprintf(
                'the CDN account "%s" of this service (never created, or removed there) not found on Aflexi',
                $username
            ));
        }
        $this->records()->linked($service, $publisher);
        $this->context->note('publisher_id', (int) $publisher['id']);
        $this->context->note('looked_up_by_username', $username);
        return (int) $publisher['id'];
    }

    /**
     * The username a publisher_of_service() answer says to look the publisher up by: the
     * recorded one, else the service's own (made only then: it needs the client's e-mail).
     *
     * @param array{by: string, username?: string} $way
     */
    private function lookupUsername(ServiceData $service, array $way): string
    {
        return $way['by'] === 'username' ? (string) $way['username'] : $service->aflexiUsername();
    }

    /**
     * Runs an operation; a "not found" is recorded as NOT_FOUND and any failure as the
     * record's last error, then passed on.
     *
     * @template T
     * @param \Closure(): T $operation
     * @return T
     */
    private function tracked(ServiceData $service, \Closure $operation): mixed
    {
        try {
            return $operation();
        } catch (\Aflexi\NotFoundException $e) {
            $message = (string) $this->context->secrets->scrub(
                Messages::describe($e, $this->context->action, $this->context->connectionIfMade())
            );
            $this->quietly(fn () => $this->records()->notFound($service, $message));
            throw new ModuleError($message, 0, $e);
        } catch (\Throwable $e) {
            $message = (string) $this->context->secrets->scrub(
                Messages::describe($e, $this->context->action, $this->context->connectionIfMade())
            );
            $this->quietly(fn () => $this->records()->failed($service->serviceId, $message));
            throw $e;
        }
    }

    private function quietly(\Closure $write): void
    {
        try {
            $write();
        } catch (\Throwable $e) {
            $this->context->note('record_write_failed', $e->getMessage());
        }
    }

    private function noted(string $result): string
    {
        $this->context->note('result', $result);
        return $result;
    }

    private function client(): \Aflexi\Client
    {
        return $this->context->client();
    }

    private function records(): PublisherRecords
    {
        return $this->context->records();
    }

    /**
     * Writes the final username, and a password the module generated (encrypted as WHMCS
     * stores it), to the service.
     */
    public static function writeCredentials(int $serviceId, string $username, ?string $generatedPassword): void
    {
        $fields = ['username' => $username];
        if ($generatedPassword !== null) {
            $fields['password'] = encrypt($generatedPassword);
        }
        Capsule::table('tblhosting')->where('id', $serviceId)->update($fields);
    }
}
