; Golden NVVM IR of the 'atomics' test kernel (tests/nvvm/test_kernels.h).
; Regenerate: GPUC_UPDATE_GOLDEN=1 build/tests/nvvm/nvvm_backend_test
; CHECK: ; NVVM IR written by gpuc (LLVM 7 typed-pointer dialect)
; CHECK-NEXT: target datalayout = "e-p:64:64:64-p3:32:32:32-i1:8:8-i8:8:8-i16:16:16-i32:32:32-i64:64:64-i128:128:128-f32:32:32-f64:64:64-v16:16:16-v32:32:32-v64:64:64-v128:128:128-n16:32:64"
; CHECK-NEXT: target triple = "nvptx64-nvidia-cuda"
; CHECK-EMPTY:
; CHECK-NEXT: @counter = internal addrspace(3) global i32 undef, align 4
; CHECK-EMPTY:
; CHECK-NEXT: declare float @llvm.nvvm.atomic.load.add.f32.p1f32(float addrspace(1)*, float)
; CHECK-NEXT: declare double @llvm.nvvm.atomic.load.add.f64.p1f64(double addrspace(1)*, double)
; CHECK-NEXT: declare i32 @llvm.nvvm.atomic.load.inc.32.p1i32(i32 addrspace(1)*, i32)
; CHECK-NEXT: declare void @llvm.nvvm.membar.cta()
; CHECK-NEXT: declare void @llvm.nvvm.membar.gl()
; CHECK-EMPTY:
; CHECK-NEXT: define void @atomics(i32 addrspace(1)* %p0, i32 addrspace(1)* %p1, i64 addrspace(1)* %p2, float addrspace(1)* %p3, double addrspace(1)* %p4) {
; CHECK-NEXT: entry:
; CHECK-NEXT:   %t0 = atomicrmw add i32 addrspace(1)* %p0, i32 1 monotonic
; CHECK-NEXT:   %t1 = atomicrmw sub i32 addrspace(1)* %p0, i32 %t0 monotonic
; CHECK-NEXT:   %t2 = add nsw i32 %t0, %t1
; CHECK-NEXT:   %t3 = atomicrmw min i32 addrspace(1)* %p0, i32 %t2 monotonic
; CHECK-NEXT:   %t4 = add nsw i32 %t2, %t3
; CHECK-NEXT:   %t5 = atomicrmw max i32 addrspace(1)* %p0, i32 %t4 monotonic
; CHECK-NEXT:   %t6 = add nsw i32 %t4, %t5
; CHECK-NEXT:   %t7 = atomicrmw and i32 addrspace(1)* %p0, i32 %t6 monotonic
; CHECK-NEXT:   %t8 = add nsw i32 %t6, %t7
; CHECK-NEXT:   %t9 = atomicrmw or i32 addrspace(1)* %p0, i32 %t8 monotonic
; CHECK-NEXT:   %t10 = add nsw i32 %t8, %t9
; CHECK-NEXT:   %t11 = atomicrmw xor i32 addrspace(1)* %p0, i32 %t10 monotonic
; CHECK-NEXT:   %t12 = add nsw i32 %t10, %t11
; CHECK-NEXT:   %t13 = atomicrmw xchg i32 addrspace(1)* %p0, i32 %t12 monotonic
; CHECK-NEXT:   %t14 = add nsw i32 %t12, %t13
; CHECK-NEXT:   %t15 = atomicrmw umin i32 addrspace(1)* %p1, i32 1 monotonic
; CHECK-NEXT:   %t16 = atomicrmw umax i32 addrspace(1)* %p1, i32 %t15 monotonic
; CHECK-NEXT:   %t17 = call i32 @llvm.nvvm.atomic.load.inc.32.p1i32(i32 addrspace(1)* %p1, i32 %t16)
; CHECK-NEXT:   %t18 = cmpxchg i32 addrspace(1)* %p1, i32 %t17, i32 1 monotonic monotonic
; CHECK-NEXT:   %t19 = extractvalue { i32, i1 } %t18, 0
; CHECK-NEXT:   %t20 = atomicrmw add i32 addrspace(3)* @counter, i32 %t19 monotonic
; CHECK-NEXT:   store i32 %t20, i32 addrspace(1)* %p1, align 4
; CHECK-NEXT:   %t21 = atomicrmw add i64 addrspace(1)* %p2, i64 5 monotonic
; CHECK-NEXT:   %t22 = cmpxchg i64 addrspace(1)* %p2, i64 %t21, i64 7 monotonic monotonic
; CHECK-NEXT:   %t23 = extractvalue { i64, i1 } %t22, 0
; CHECK-NEXT:   store i64 %t23, i64 addrspace(1)* %p2, align 8
; CHECK-NEXT:   %t24 = call float @llvm.nvvm.atomic.load.add.f32.p1f32(float addrspace(1)* %p3, float 0x3FF8000000000000)
; CHECK-NEXT:   %t25 = bitcast float addrspace(1)* %p3 to i32 addrspace(1)*
; CHECK-NEXT:   %t26 = bitcast float %t24 to i32
; CHECK-NEXT:   %t27 = atomicrmw xchg i32 addrspace(1)* %t25, i32 %t26 monotonic
; CHECK-NEXT:   %t28 = bitcast i32 %t27 to float
; CHECK-NEXT:   %t29 = call double @llvm.nvvm.atomic.load.add.f64.p1f64(double addrspace(1)* %p4, double 0x4000000000000000)
; CHECK-NEXT:   call void @llvm.nvvm.membar.cta()
; CHECK-NEXT:   call void @llvm.nvvm.membar.gl()
; CHECK-NEXT:   %t30 = sext i32 1 to i64
; CHECK-NEXT:   %t31 = getelementptr inbounds float, float addrspace(1)* %p3, i64 %t30
; CHECK-NEXT:   store float %t28, float addrspace(1)* %t31, align 4
; CHECK-NEXT:   %t32 = sext i32 1 to i64
; CHECK-NEXT:   %t33 = getelementptr inbounds double, double addrspace(1)* %p4, i64 %t32
; CHECK-NEXT:   store double %t29, double addrspace(1)* %t33, align 8
; CHECK-NEXT:   %t34 = sext i32 1 to i64
; CHECK-NEXT:   %t35 = getelementptr inbounds i32, i32 addrspace(1)* %p0, i64 %t34
; CHECK-NEXT:   store i32 %t14, i32 addrspace(1)* %t35, align 4
; CHECK-NEXT:   ret void
; CHECK-NEXT: }
; CHECK-EMPTY:
; CHECK-EMPTY:
; CHECK-NEXT: !nvvm.annotations = !{!0, !1}
; CHECK-NEXT: !nvvmir.version = !{!2}
; CHECK-EMPTY:
; CHECK-NEXT: !0 = !{void (i32 addrspace(1)*, i32 addrspace(1)*, i64 addrspace(1)*, float addrspace(1)*, double addrspace(1)*)* @atomics, !"kernel", i32 1}
; CHECK-NEXT: !1 = !{void (i32 addrspace(1)*, i32 addrspace(1)*, i64 addrspace(1)*, float addrspace(1)*, double addrspace(1)*)* @atomics, !"maxntidx", i32 128}
; CHECK-NEXT: !2 = !{i32 2, i32 0}
