<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * What happens to a client's CDN accounts when the client is closed or deleted in WHMCS:
 * closing suspends them, deleting terminates them. Each service is handled on its own, so
 * one failure (logged to the activity log and the module log) never stops the others nor
 * the WHMCS page; running twice is harmless (already suspended / already gone is done).
 */
final class ClientHooks
{
    /** ClientClose: suspend the client's Aflexi CDN accounts. */
    public static function clientClosed(int $clientId): void
    {
        self::forEachService('ClientClose', $clientId, 'suspended', static fn (Provisioner $p, ServiceData $s): string => $p->suspend($s));
    }

    /** PreDeleteClient / ClientDelete: terminate the client's Aflexi CDN accounts. */
    public static function clientDeleted(string $hook, int $clientId): void
    {
        self::forEachService($hook, $clientId, 'terminated', static fn (Provisioner $p, ServiceData $s): string => $p->terminate($s));
    }

    /** @param \Closure(Provisioner, ServiceData): string $operation */
    private static function forEachService(string $hook, int $clientId, string $done, \Closure $operation): void
    {
        if ($clientId <= 0) {
            return;
        }
        $setup = new Context($hook, ['userid' => $clientId]);
        // Needs the extension: without it the failure (and how to install it) is logged once.
        $serviceIds = ModuleCall::background($setup, static function (Context $c) use ($clientId): array {
            return ServiceData::aflexiServiceIdsOfClient($clientId, $c->records());
        }, []);
        foreach ($serviceIds as $serviceId) {
            // WHMCS 8 fires ClientDelete right after PreDeleteClient for one deletion: the
            // accounts PreDeleteClient terminated need no second call nor activity line.
            if ($hook === 'ClientDelete' && self::alreadyTerminated((int) $serviceId)) {
                continue;
            }
            self::one($hook, $clientId, (int) $serviceId, $done, $operation);
        }
    }

    private static function alreadyTerminated(int $serviceId): bool
    {
        try {
            return (new PublisherRecords())->find($serviceId)?->status === PublisherRecords::DELETED;
        } catch (\Throwable) {
            return false;
        }
    }

    /** @param \Closure(Provisioner, ServiceData): string $operation */
    private static function one(string $hook, int $clientId, int $serviceId, string $done, \Closure $operation): void
    {
        try {
            $record = (new PublisherRecords())->find($serviceId);
            $service = ServiceData::fromServiceId($serviceId) ?? ($record !== null ? ServiceData::fromRecord($record) : null);
        } catch (\Throwable $e) {
            ModuleCall::activity("Aflexi CDN: $hook of client #$clientId: service #$serviceId could not be read: " . $e->getMessage(), $clientId);
            return;
        }
        if ($service === null) {
            return;
        }
        $serverId = $service->serverId > 0 ? $service->serverId : (int) ($record->server_id ?? 0);
        $context = new Context(
            $hook,
            ['serviceid' => $serviceId, 'userid' => $clientId, 'serverid' => $serverId, 'username' => $service->username],
            static fn (Context $c): Connection => Connection::fromServerId($serverId),
            $service,
        );
        ModuleCall::background($context, static function (Context $c) use ($operation, $service, $hook, $clientId, $serviceId, $done): void {
            $result = $operation(new Provisioner($c), $service);
            ModuleCall::activity(sprintf(
                'Aflexi CDN: %s of client #%d: the CDN account of service #%d (%s) was %s (%s).',
                $hook,
                $clientId,
                $serviceId,
                $service->username !== '' ? $service->username : 'no username',
                $done,
                str_replace('_', ' ', $result)
            ), $clientId);
        });
    }
}
